namespace AspireRouter.Bench.Load;

/// <summary>One request of the brownout workload: its category, whether it streams, its prompt.</summary>
public sealed record BrownoutRequest(string Category, bool Stream, string Prompt)
{
    /// <summary>Small, so a scenario is about routing, not about generating long answers.</summary>
    public const int MaxTokens = 64;
}

/// <summary>What one request through one router came to.</summary>
/// <param name="Category">The request's workload category.</param>
/// <param name="StartedAt">When it was sent, from the start of its scenario's run.</param>
/// <param name="Ok">A complete answer (a stream read to its end).</param>
/// <param name="Ms">From sending to the last byte, or to the failure.</param>
/// <param name="Attempts">Upstream HTTP attempts it made (the gateway's <c>X-AspireRouter-Attempts</c>; the seed router's counted sends).</param>
/// <param name="Panic">The gateway answered in panic mode (<c>X-AspireRouter-Panic: true</c>).</param>
/// <param name="Failure">What a failed request ended with (status and error code, or the exception), else null.</param>
/// <param name="Route">Where it was served (the gateway's model@region), when the router says.</param>
/// <param name="Reason">Why it was served there (the gateway's route reason), when the router says.</param>
public sealed record BrownoutOutcome(string Category, TimeSpan StartedAt, bool Ok, double Ms, int Attempts, bool Panic = false, string? Failure = null, string? Route = null, string? Reason = null);

/// <summary>A router the brownout drives: the gateway, or the port of the seed's loop.</summary>
public interface IBrownoutRouter
{
    string Name { get; }

    /// <summary>Sends one request; never throws but for cancellation.</summary>
    Task<BrownoutOutcome> SendAsync(BrownoutRequest request, TimeSpan startedAt, CancellationToken cancellationToken);
}

/// <summary>
/// The mix (40 % light, 30 % general, 15 % regional-cn, 15 % reasoning, a quarter of each streamed, short
/// prompts), drawn from a seeded generator per client so every router sees the same sequence from each client.
/// </summary>
public sealed class BrownoutWorkload(int seed)
{
    public static readonly IReadOnlyList<(string Category, double Share)> Shares =
        [("light", 0.40), ("general", 0.30), ("regional-cn", 0.15), ("reasoning", 0.15)];

    public const double StreamShare = 0.25;

    private static readonly string[] Prompts =
    [
        "Say hello in five words.", "What is the capital of Canada?", "Give me a synonym for quick.",
        "Summarise TCP versus UDP in one sentence.", "Is 17 a prime number? Answer briefly.", "Name three primary colours.",
    ];

    private readonly Random _random = new(seed);

    public BrownoutRequest Next()
    {
        var draw = _random.NextDouble();
        var category = Shares[^1].Category;
        foreach (var (name, share) in Shares)
        {
            if ((draw -= share) < 0)
            {
                category = name;
                break;
            }
        }

        return new BrownoutRequest(category, _random.NextDouble() < StreamShare, Prompts[_random.Next(Prompts.Length)]);
    }
}
