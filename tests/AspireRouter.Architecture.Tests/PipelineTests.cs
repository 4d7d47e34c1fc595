namespace AspireRouter.Architecture.Tests;

/// <summary>The gateway's stages keep to their part: only the API layer writes to the client.</summary>
public sealed partial class PipelineTests
{
    [Theory]
    [InlineData("Execution")]
    [InlineData("Admission")]
    [InlineData("Costs")]
    [InlineData("Routing")]
    public void AStageBeforeOrAfterRespond_KnowsNoResponse(string folder)
    {
        var offenders = FolderGraph.Lines(Path.Combine(Repository.Root, "AspireRouter.Gateway"))
            .Where(line => line.Folder == folder && HttpExchange().IsMatch(line.Line))
            .Select(line => $"{line.Path}:{line.Number}")
            .ToList();

        Assert.True(offenders.Count == 0, $"Gateway/{folder} touches the HTTP exchange, which only Apis/ writes: {string.Join(", ", offenders)}");
    }

    /// <summary>The response to the client and the exchange that holds it (reading request headers is fine; an outgoing <c>HttpResponseMessage</c> to a provider is execution's own).</summary>
    [System.Text.RegularExpressions.GeneratedRegex(@"\b(HttpContext|HttpResponse)\b")]
    private static partial System.Text.RegularExpressions.Regex HttpExchange();
}
