using AspireRouter.AppHost.Deployment;
using AspireRouter.AppHost.Infrastructure;

namespace AspireRouter.AppHost.Samples;

/// <summary>
/// Run mode only: the sample app (samples/AspireRouter.SampleApp), which finds a gateway by service discovery and calls
/// it with <c>IChatClient</c> over the OpenAI SDK, and its dashboard command that sends a little demo traffic. It sends
/// nothing by itself, so the dashboard shows only what was asked for. Never published: it calls with the local key.
/// </summary>
internal static class SampleAppExtensions
{
    public const string SendDemoTraffic = "send-demo-traffic";

    public static void AddSampleApp(this IDistributedApplicationBuilder builder, string gatewayName)
    {
        if (builder.ExecutionContext.IsPublishMode)
        {
            return;
        }

        var gateway = builder.CreateResourceBuilder(builder.Resources.OfType<ProjectResource>().Single(r => r.Name == gatewayName));
        builder.AddProject<Projects.AspireRouter_SampleApp>("sample-app", launchProfileName: null)
            .WithHttpEndpoint()
            .WithAppHostEnvironment()
            .WithEnvironment("SampleApp__Gateway", $"https+http://{gatewayName}")
            .WithReference(gateway) // no WaitFor: it calls only when asked, so it starts beside the gateway, not after it
            .WithHealthProbes()
            .WithHttpCommand("/demo/traffic", "Send demo traffic", commandName: SendDemoTraffic, commandOptions: new HttpCommandOptions
            {
                Description = "Seven calls through the gateway with IChatClient: light, general, reasoning, auto, a stream, a tool call, a request resident in China.",
                Method = HttpMethod.Post,
                ResultMode = HttpCommandResultMode.Json,
                IconName = "Send",
            });
    }
}
