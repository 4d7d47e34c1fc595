using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace AspireRouter.Testing;

/// <summary>One captured log entry.</summary>
public sealed record LogEntry(string Category, LogLevel Level, EventId Id, string Message, Exception? Exception)
{
    public override string ToString() => $"{Level} {Category}[{Id.Id}]: {Message}{(Exception is null ? "" : $" ({Exception.GetType().Name}: {Exception.Message})")}";
}

/// <summary>Keeps what was logged, to assert on event ids and levels.</summary>
public sealed class ListLogger<T>(ConcurrentQueue<LogEntry>? entries = null, string? category = null) : ILogger<T>
{
    public ConcurrentQueue<LogEntry> Entries { get; } = entries ?? new();

    public int Count(int eventId) => Entries.Count(e => e.Id.Id == eventId);

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Entries.Enqueue(new LogEntry(category ?? typeof(T).Name, logLevel, eventId, formatter(state, exception), exception));
}

/// <summary>Captures every log entry of a host (an in-process gateway or ledger), with its category.</summary>
public sealed class ListLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<LogEntry> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new ListLogger<object>(Entries, categoryName);

    public void Dispose()
    {
    }
}
