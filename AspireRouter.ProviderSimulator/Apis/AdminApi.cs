using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using AspireRouter.ProviderSimulator.Faults;
using AspireRouter.ProviderSimulator.Latency;
using AspireRouter.ProviderSimulator.Models;
using AspireRouter.ProviderSimulator.Requests;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AspireRouter.ProviderSimulator.Apis;

/// <summary>
/// A dev/test control surface under <c>/admin</c>, deliberately without authentication (the simulator never faces
/// real users): inject faults per model, change the time scale, and read which requests arrived.
/// <list type="bullet">
/// <item><c>GET /admin/faults</c>: faults in force, by model (<c>*</c> = every model without its own).</item>
/// <item><c>PUT /admin/faults/{model}</c> with a <see cref="FaultSpec"/>; <c>DELETE /admin/faults/{model}</c>; <c>DELETE /admin/faults</c>.</item>
/// <item><c>GET</c> / <c>PUT /admin/time-scale</c> with <c>{"scale":0.05}</c>.</item>
/// <item><c>GET /admin/requests?limit=100</c> (newest first), <c>DELETE /admin/requests</c> (also resets the stats), <c>GET /admin/stats</c>.</item>
/// </list>
/// </summary>
public static partial class AdminApi
{
    public const double MaxTimeScale = 1000;

    public static IEndpointRouteBuilder MapAdminApi(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/admin").WithTags("Admin");

        admin.MapGet("/faults", GetFaults)
            .WithName("GetFaults")
            .WithSummary("Faults in force, by model; '*' applies to every model without a fault of its own.");
        admin.MapPut("/faults/{model}", SetFault)
            .WithName("SetFault")
            .WithSummary("Injects a fault into a model's answers (model '*' for every model): error rate and status, Retry-After, latency multiplier, hang, mid-stream failure.");
        admin.MapDelete("/faults/{model}", ClearFault)
            .WithName("ClearFault")
            .WithSummary("Removes one model's fault (or the '*' fault).");
        admin.MapDelete("/faults", ClearFaults)
            .WithName("ClearFaults")
            .WithSummary("Removes every fault.");

        admin.MapGet("/time-scale", GetTimeScale)
            .WithName("GetTimeScale")
            .WithSummary("The factor every simulated delay is multiplied by.");
        admin.MapPut("/time-scale", SetTimeScale)
            .WithName("SetTimeScale")
            .WithSummary("Sets the factor every simulated delay is multiplied by (0 = no delay, 1 = real time).");

        admin.MapGet("/requests", GetRequests)
            .WithName("GetRequests")
            .WithSummary("The most recent provider calls, newest first, with their X-Request-Id, status and whether they were cross-region.");
        admin.MapDelete("/requests", ClearRequests)
            .WithName("ClearRequests")
            .WithSummary("Forgets the recorded calls and resets the stats.");
        admin.MapGet("/stats", GetStats)
            .WithName("GetStats")
            .WithSummary("Provider calls counted per model and status since start or the last clear.");

        return app;
    }

    public static Ok<IReadOnlyDictionary<string, FaultSpec>> GetFaults(FaultStore faults) => TypedResults.Ok(faults.Snapshot());

    public static async Task<Results<Ok<FaultSpec>, ValidationProblem, NotFound<string>>> SetFault(
        string model, HttpRequest request, FaultStore faults, ModelCatalog catalog, ILogger<FaultStore> logger)
    {
        if (ResolveFaultKey(model, catalog) is not { } key)
        {
            return UnknownModel(model);
        }

        var (fault, invalidJson) = await ReadBodyAsync(request, AdminJsonContext.Default.FaultSpec);
        if (fault is null)
        {
            return invalidJson!;
        }

        var errors = fault.Validate();
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        faults.Set(key, fault);
        LogFaultSet(logger, key, fault.ErrorRate, fault.Status, fault.LatencyMultiplier, fault.Hang, fault.FailMidStream);
        return TypedResults.Ok(fault);
    }

    public static Results<NoContent, NotFound<string>> ClearFault(
        string model, FaultStore faults, ModelCatalog catalog, ILogger<FaultStore> logger)
    {
        if (ResolveFaultKey(model, catalog) is not { } key)
        {
            return UnknownModel(model);
        }

        if (faults.Remove(key))
        {
            LogFaultCleared(logger, key);
        }

        return TypedResults.NoContent();
    }

    public static NoContent ClearFaults(FaultStore faults, ILogger<FaultStore> logger)
    {
        faults.Clear();
        LogFaultCleared(logger, "every model");
        return TypedResults.NoContent();
    }

    public static Ok<TimeScaleBody> GetTimeScale(SimulationClock clock) => TypedResults.Ok(new TimeScaleBody(clock.TimeScale));

    public static async Task<Results<Ok<TimeScaleBody>, ValidationProblem>> SetTimeScale(
        HttpRequest request, SimulationClock clock, ILogger<SimulationClock> logger)
    {
        var (body, invalidJson) = await ReadBodyAsync(request, AdminJsonContext.Default.TimeScaleBody);
        if (body is null)
        {
            return invalidJson!;
        }

        if (!(body.Scale is >= 0 and <= MaxTimeScale))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["scale"] = [$"scale must be between 0 and {MaxTimeScale} (got {body.Scale})."],
            });
        }

        var previous = clock.SetTimeScale(body.Scale);
        LogTimeScaleChanged(logger, previous, body.Scale);
        return TypedResults.Ok(new TimeScaleBody(body.Scale));
    }

    public static Results<Ok<IReadOnlyList<RequestRecord>>, ValidationProblem> GetRequests(RequestLog log, int? limit)
    {
        var take = limit ?? 100;
        if (take < 1 || take > log.Capacity)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["limit"] = [$"limit must be between 1 and {log.Capacity} (got {take})."],
            });
        }

        return TypedResults.Ok(log.Recent(take));
    }

    public static NoContent ClearRequests(RequestLog log)
    {
        log.Clear();
        return TypedResults.NoContent();
    }

    public static Ok<RequestStats> GetStats(RequestLog log) => TypedResults.Ok(log.Stats());

    /// <summary>Reads a JSON body; unreadable JSON becomes a 400 that says where it broke, rather than an exception.</summary>
    private static async Task<(T? Body, ValidationProblem? Error)> ReadBodyAsync<T>(HttpRequest request, JsonTypeInfo<T> typeInfo)
        where T : class
    {
        try
        {
            return await JsonSerializer.DeserializeAsync(request.Body, typeInfo, request.HttpContext.RequestAborted) is { } body
                ? (body, null)
                : (null, InvalidBody("The body must be a JSON object."));
        }
        catch (JsonException ex)
        {
            return (null, InvalidBody($"The body is not valid JSON for this endpoint (at {ex.Path ?? "$"})."));
        }
    }

    private static ValidationProblem InvalidBody(string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = [message] });

    /// <summary>The served model name faults are keyed by, <c>*</c>, or null for a model this instance does not serve.</summary>
    private static string? ResolveFaultKey(string model, ModelCatalog catalog) =>
        model == FaultStore.AllModels ? FaultStore.AllModels
        : catalog.TryResolve(model, out var spec) ? spec.ProviderModelId
        : null;

    private static NotFound<string> UnknownModel(string model) =>
        TypedResults.NotFound($"Model '{model}' is not served in this region; GET /v1/models lists the models that are.");

    [LoggerMessage(EventId = 7040, Level = LogLevel.Information,
        Message = "Fault set for {Model}: errorRate {ErrorRate}, status {Status}, latencyMultiplier {LatencyMultiplier}, hang {Hang}, failMidStream {FailMidStream}")]
    private static partial void LogFaultSet(ILogger logger, string model, double errorRate, int status, double latencyMultiplier, bool hang, bool failMidStream);

    [LoggerMessage(EventId = 7041, Level = LogLevel.Information, Message = "Fault cleared for {Model}")]
    private static partial void LogFaultCleared(ILogger logger, string model);

    [LoggerMessage(EventId = 7042, Level = LogLevel.Information, Message = "Time scale changed from {Previous} to {Current}")]
    private static partial void LogTimeScaleChanged(ILogger logger, double previous, double current);
}

/// <summary>Body of <c>GET</c> and <c>PUT /admin/time-scale</c>.</summary>
public sealed record TimeScaleBody(double Scale);
