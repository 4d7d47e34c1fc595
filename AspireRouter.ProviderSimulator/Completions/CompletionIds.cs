namespace AspireRouter.ProviderSimulator.Completions;

/// <summary>Ids shaped like OpenAI's: <c>chatcmpl-</c> and 24 random letters and digits.</summary>
public static class CompletionIds
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    public static string New() => string.Create(33, 0, static (span, _) =>
    {
        "chatcmpl-".CopyTo(span);
        Random.Shared.GetItems(Alphabet, span[9..]);
    });
}
