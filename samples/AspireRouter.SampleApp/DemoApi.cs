using Microsoft.AspNetCore.Http.HttpResults;

namespace AspireRouter.SampleApp;

/// <summary><c>POST /demo/traffic</c>: runs the demo once and answers with what each call did (the dashboard's command calls it).</summary>
public static class DemoApi
{
    public static IEndpointRouteBuilder MapDemoApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/demo/traffic", RunAsync)
            .WithName("SendDemoTraffic")
            .WithSummary("Sends a little traffic through the gateway: each category, auto, a stream, a tool call and a resident request.");
        return app;
    }

    public static async Task<Ok<DemoReport>> RunAsync(DemoTraffic demo, CancellationToken cancellationToken) =>
        TypedResults.Ok(await demo.RunAsync(cancellationToken));
}
