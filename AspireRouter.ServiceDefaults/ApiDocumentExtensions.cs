using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.DependencyInjection;
using Scalar.AspNetCore;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The OpenAPI document of a service's HTTP API at <c>/openapi/v1.json</c>, and in Development a Scalar UI over it at
/// <c>/scalar</c>. The document is served in every environment (it holds no secret, and clients generate from it);
/// the UI only where developers run the service.
/// </summary>
public static class ApiDocumentExtensions
{
    public const string DocumentPath = "/openapi/v1.json";

    /// <summary>Registers the <c>v1</c> document with <paramref name="title"/>; <paramref name="configure"/> adds transformers.</summary>
    public static TBuilder AddApiDocument<TBuilder>(this TBuilder builder, string title, Action<OpenApiOptions>? configure = null)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddOpenApi(options =>
        {
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = title;
                return Task.CompletedTask;
            });
            configure?.Invoke(options);
        });
        return builder;
    }

    /// <summary>Maps the document, and the Scalar UI in Development.</summary>
    public static WebApplication MapApiDocument(this WebApplication app)
    {
        app.MapOpenApi();
        if (app.Environment.IsDevelopment())
        {
            app.MapScalarApiReference();
        }

        return app;
    }
}
