using AspireRouter.ProviderSimulator.Latency;
using AspireRouter.ProviderSimulator.Requests;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;
using AspireRouter.ProviderSimulator.Wire;

namespace AspireRouter.ProviderSimulator.Faults;

/// <summary>
/// Applies the request-level part of a <see cref="FaultSpec"/>: hangs, or rolls the error rate and answers with the
/// fault's status. Latency multipliers and mid-stream failures are applied by the completion itself.
/// </summary>
public sealed partial class FaultInjector(SimulationClock clock, ILogger<FaultInjector> logger)
{
    /// <summary>The injected error, or null when the request should be answered normally.</summary>
    /// <exception cref="OperationCanceledException">A hanging request's client gave up.</exception>
    public async ValueTask<ProviderError?> ApplyAsync(FaultSpec fault, string model, HttpContext context)
    {
        var call = context.Features.GetRequiredFeature<SimulatedCall>();
        if (fault.Hang)
        {
            call.Fault = FaultKinds.Hang;
            LogHanging(logger, model);
            await Task.Delay(Timeout.InfiniteTimeSpan, clock.TimeProvider, context.RequestAborted);
        }

        if (fault.ErrorRate <= 0 || Random.Shared.NextDouble() >= fault.ErrorRate)
        {
            return null;
        }

        call.Fault = FaultKinds.Error;
        if (fault.Status == StatusCodes.Status429TooManyRequests && fault.RetryAfter is { } retryAfter)
        {
            context.Response.Headers[HeaderNames.RetryAfter] = ((long)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        LogInjectedError(logger, model, fault.Status);
        return ProviderError.Injected(fault.Status);
    }

    [LoggerMessage(EventId = 7030, Level = LogLevel.Debug, Message = "Injected a {Status} into a request for {Model}")]
    private static partial void LogInjectedError(ILogger logger, string model, int status);

    [LoggerMessage(EventId = 7031, Level = LogLevel.Debug, Message = "Hanging a request for {Model} until its client gives up")]
    private static partial void LogHanging(ILogger logger, string model);
}
