using AspireRouter.ProviderSimulator.Configuration;
using AspireRouter.ProviderSimulator.Latency;
using Microsoft.Extensions.Options;

namespace AspireRouter.ProviderSimulator.Requests;

/// <summary>
/// Wraps every <c>/v1</c> call: adds the cross-region network latency when the call came in under
/// <c>/cross-region</c>, runs the handler and its result itself (so the status actually sent is known), and records
/// the call in the <see cref="RequestLog"/>. A client that goes away is recorded as 499.
/// </summary>
public sealed partial class ProviderCallFilter(
    bool crossRegion,
    RequestLog log,
    SimulationClock clock,
    LatencySampler sampler,
    IOptions<SimulatorOptions> options,
    ILogger<ProviderCallFilter> logger) : IEndpointFilter
{
    public const string RequestIdHeader = "X-Request-Id";

    /// <summary>nginx's "client closed request": what the log shows for calls the client abandoned.</summary>
    public const int ClientClosedRequest = 499;

    private const int MaxRequestIdLength = 128;

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var arrived = clock.TimeProvider.GetUtcNow();
        var started = clock.TimeProvider.GetTimestamp();
        var call = new SimulatedCall(crossRegion);
        http.Features.Set(call);
        var handled = false;
        try
        {
            if (crossRegion)
            {
                var settings = options.Value;
                var networkDelay = sampler.Between(settings.CrossRegionLatencyMin, settings.CrossRegionLatencyMax);
                await clock.DelayAsync(networkDelay, clock.TimeScale, http.RequestAborted);
            }

            if (await next(context) is IResult result)
            {
                await result.ExecuteAsync(http);
            }

            handled = true;
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            handled = true;
            if (call.Fault != FaultKinds.FailMidStream)
            {
                call.ClientDisconnected = true;
                LogClientDisconnected(logger, call.Model ?? RequestLog.NoModel);
            }
        }
        finally
        {
            log.Add(new RequestRecord(
                arrived,
                call.Model,
                options.Value.Region,
                crossRegion,
                call.Stream,
                Status(http, call, handled),
                RequestId(http),
                clock.TimeProvider.GetElapsedTime(started),
                call.Fault));
        }

        // The result has been written above; nothing is left for the framework to do.
        return Results.Empty;
    }

    /// <summary>499 for an abandoned call, 500 for an exception the server is about to report, else what was sent.</summary>
    private static int Status(HttpContext http, SimulatedCall call, bool handled) =>
        call.ClientDisconnected ? ClientClosedRequest
        : !handled && !http.Response.HasStarted ? StatusCodes.Status500InternalServerError
        : http.Response.StatusCode;

    private static string? RequestId(HttpContext http)
    {
        var value = http.Request.Headers[RequestIdHeader].ToString();
        return value.Length == 0 ? null : value.Length <= MaxRequestIdLength ? value : value[..MaxRequestIdLength];
    }

    [LoggerMessage(EventId = 7010, Level = LogLevel.Debug, Message = "Client went away before the answer from {Model} was complete")]
    private static partial void LogClientDisconnected(ILogger logger, string model);
}
