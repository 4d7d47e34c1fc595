namespace AspireRouter.Gateway.Breakers;

internal sealed partial class CircuitBreakers
{
    [LoggerMessage(3001, LogLevel.Warning, "Redis is unreachable ({Reason}); circuit breakers are local to this instance until it returns.")]
    private static partial void LogRedisUnreachable(ILogger logger, string reason);

    [LoggerMessage(3002, LogLevel.Information, "Circuit breakers are shared through Redis.")]
    private static partial void LogShared(ILogger logger);

    [LoggerMessage(3003, LogLevel.Warning, "Breaker {Breaker} opened (was {From}: {Reason}); trials from {OpenUntil:O}.")]
    private static partial void LogOpened(ILogger logger, string breaker, DateTimeOffset? openUntil, BreakerState from, string? reason);

    [LoggerMessage(3004, LogLevel.Information, "Breaker {Breaker}: {From} -> {To}.")]
    private static partial void LogTransition(ILogger logger, string breaker, BreakerState from, BreakerState to);

    [LoggerMessage(3005, LogLevel.Warning, "Breaker {Breaker} reset by an operator (was {From}; shared through Redis: {Shared}).")]
    private static partial void LogReset(ILogger logger, string breaker, BreakerState from, bool shared);
}
