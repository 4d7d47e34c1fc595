using AspireRouter.Contracts.Logging;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace AspireRouter.Contracts.Registry;

/// <summary>
/// Holds the current registry snapshot, the one every service reads (the gateway routes with it, the ledger prices its
/// savings baseline with it, the probe probes its models). The first load must be valid (options validated at
/// start-up); a reload that fails validation is logged and the last good snapshot keeps serving.
/// </summary>
public sealed partial class RegistryProvider : IDisposable
{
    private readonly IConfiguration _configuration;
    private readonly ILogger<RegistryProvider> _logger;
    private readonly IDisposable _subscription;
    private volatile ModelRegistry _current;

    public RegistryProvider(IOptions<RegistryOptions> options, IConfiguration configuration, ILogger<RegistryProvider> logger)
    {
        _configuration = configuration;
        _logger = logger;
        _current = ModelRegistry.Create(options.Value);
        _subscription = ChangeToken.OnChange(configuration.GetReloadToken, Reload);
    }

    /// <summary>The snapshot routing reads; replaced atomically on a good reload.</summary>
    public ModelRegistry Current => _current;

    /// <summary>Raised after a new snapshot replaced the old one.</summary>
    public event Action<ModelRegistry>? Changed;

    private void Reload()
    {
        var options = new RegistryOptions();
        try
        {
            _configuration.GetSection(RegistryOptions.SectionName).Bind(options);
            var next = ModelRegistry.Create(options);
            _current = next;
            LogReloaded(_logger, next.Models.Count, next.Categories.Count);
            Changed?.Invoke(next);
        }
        catch (Exception ex) when (ex is RegistryValidationException or InvalidOperationException or FormatException)
        {
            LogReloadRejected(_logger, ex.Message);
        }
    }

    public void Dispose() => _subscription.Dispose();

    [LoggerMessage(LogEvents.Contracts + 1, LogLevel.Information, "Registry reloaded: {Models} models, {Categories} categories.")]
    private static partial void LogReloaded(ILogger logger, int models, int categories);

    [LoggerMessage(LogEvents.Contracts + 2, LogLevel.Error, "Registry reload rejected; the last good registry keeps serving. {Reason}")]
    private static partial void LogReloadRejected(ILogger logger, string reason);
}
