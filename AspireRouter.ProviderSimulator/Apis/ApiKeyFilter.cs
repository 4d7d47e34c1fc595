using AspireRouter.ProviderSimulator.Configuration;
using Microsoft.Extensions.Options;
using AspireRouter.ProviderSimulator.Wire;

namespace AspireRouter.ProviderSimulator.Apis;

/// <summary>Requires <c>Authorization: Bearer {Simulator:ApiKey}</c>, answering 401 like OpenAI otherwise. The key is never logged.</summary>
public sealed class ApiKeyFilter(IOptions<SimulatorOptions> options) : IEndpointFilter
{
    private const string Scheme = "Bearer ";

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var header = context.HttpContext.Request.Headers.Authorization.ToString();
        if (!header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase) || header.AsSpan(Scheme.Length).Trim().IsEmpty)
        {
            return ValueTask.FromResult<object?>(ProviderError.MissingApiKey().ToResult());
        }

        return header.AsSpan(Scheme.Length).Trim().SequenceEqual(options.Value.ApiKey)
            ? next(context)
            : ValueTask.FromResult<object?>(ProviderError.InvalidApiKey().ToResult());
    }
}
