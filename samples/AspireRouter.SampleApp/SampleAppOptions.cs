using System.ComponentModel.DataAnnotations;

namespace AspireRouter.SampleApp;

/// <summary>The configuration section <c>SampleApp</c>: where the gateway is and how to call it.</summary>
public sealed class SampleAppOptions
{
    public const string SectionName = "SampleApp";

    /// <summary>
    /// The gateway's base address (its OpenAI-compatible API is under <c>/v1</c>). Default:
    /// <c>https+http://gateway-global</c>, resolved by service discovery from what the AppHost passes.
    /// </summary>
    [Required]
    public Uri Gateway { get; set; } = new("https+http://gateway-global");

    /// <summary>The key the app calls with. Default: <c>local-dev</c>, the gateways' local development key in run mode.</summary>
    [Required]
    public string ApiKey { get; set; } = "local-dev";

    /// <summary>Product feature the demo's costs are attributed to (<c>X-AspireRouter-Feature</c>). Default: sample-app.</summary>
    [Required]
    public string Feature { get; set; } = "sample-app";

    /// <summary>Longest a single demo call may take. Default: 60 s.</summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(60);
}
