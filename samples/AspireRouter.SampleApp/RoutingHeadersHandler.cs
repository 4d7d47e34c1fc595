using Microsoft.Extensions.Options;

namespace AspireRouter.SampleApp;

/// <summary>What the gateway said about one call: its <c>X-AspireRouter-*</c> response headers.</summary>
public sealed class RouteSeen
{
    private static readonly AsyncLocal<RouteSeen?> CurrentCall = new();

    public string? Category { get; private set; }
    public string? Model { get; private set; }
    public string? Region { get; private set; }
    public string? RequestId { get; private set; }

    /// <summary>Starts capturing the route of the calls made from here on in this async flow.</summary>
    public static RouteSeen Capture() => CurrentCall.Value = new RouteSeen();

    internal static void Record(HttpResponseMessage response)
    {
        if (CurrentCall.Value is { } route)
        {
            route.Category = Header(response, "X-AspireRouter-Category");
            route.Model = Header(response, "X-AspireRouter-Model");
            route.Region = Header(response, "X-AspireRouter-Region");
            route.RequestId = Header(response, "X-AspireRouter-Request-Id");
        }
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
}

/// <summary>
/// Adds the attribution (and, for resident calls, the residency) headers an app sends the gateway, and reads back the
/// routing decision from the answer's headers.
/// </summary>
internal sealed class RoutingHeadersHandler(IOptions<SampleAppOptions> options, string? residency = null) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.TryAddWithoutValidation("X-AspireRouter-Feature", options.Value.Feature);
        if (residency is not null)
        {
            request.Headers.TryAddWithoutValidation("X-AspireRouter-Residency", residency);
        }

        var response = await base.SendAsync(request, cancellationToken);
        RouteSeen.Record(response);
        return response;
    }
}
