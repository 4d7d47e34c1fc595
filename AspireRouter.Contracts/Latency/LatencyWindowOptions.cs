using System.ComponentModel.DataAnnotations;
using AspireRouter.Contracts.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace AspireRouter.Contracts.Latency;

/// <summary>
/// The <c>Latency</c> section's window, which every gateway and probe replica must share (the AppHost passes the same
/// section to all): both name the shared summaries' slices by it. Validated here, once, for every service.
/// </summary>
public sealed class LatencyWindowOptions
{
    public const string SectionName = "Latency";

    /// <summary>How far back samples count. Default: 5 minutes.</summary>
    public TimeSpan Window { get; set; } = LatencyWindow.Default.Window;

    /// <summary>Slices the window is cut into; the oldest slice drops off as time moves. Default: 10.</summary>
    [Range(2, 120)]
    public int Slices { get; set; } = LatencyWindow.Default.Slices;
}

[OptionsValidator]
public sealed partial class LatencyWindowOptionsValidator : IValidateOptions<LatencyWindowOptions>;

/// <summary>The window's bounds; messages quote the values.</summary>
public sealed class LatencyWindowRulesValidator : IValidateOptions<LatencyWindowOptions>
{
    public ValidateOptionsResult Validate(string? name, LatencyWindowOptions options) =>
        options.Window < TimeSpan.FromSeconds(10) || options.Window > TimeSpan.FromHours(1)
            ? ValidateOptionsResult.Fail($"Latency:Window must be between 10 s and 1 h (got {options.Window}).")
            : ValidateOptionsResult.Success;
}

/// <summary>The shared window's wiring, the same in every service.</summary>
public static class LatencyWindowServiceExtensions
{
    /// <summary>Binds and validates <c>Latency:Window</c> and <c>Latency:Slices</c> at start-up; registers the <see cref="LatencyWindow"/>.</summary>
    public static IHostApplicationBuilder AddLatencyWindow(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<LatencyWindowOptions, LatencyWindowOptionsValidator, LatencyWindowRulesValidator>(LatencyWindowOptions.SectionName);
        builder.Services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<LatencyWindowOptions>>().Value;
            return new LatencyWindow(options.Window, options.Slices);
        });
        return builder;
    }
}
