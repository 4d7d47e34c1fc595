using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AspireRouter.Contracts.Hosting;

/// <summary>
/// Options bound to their configuration section and validated when the host starts, so a bad value stops the service
/// with every problem listed instead of failing a request later: the pattern every options class here follows (a
/// source-generated DataAnnotations validator, plus a rules validator for what attributes cannot say).
/// </summary>
public static class ValidatedOptions
{
    public static IServiceCollection AddValidatedOptions<TOptions, TValidator>(
        this IServiceCollection services, string section, Action<BinderOptions>? configureBinder = null)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        services.AddOptionsWithValidateOnStart<TOptions>().BindConfiguration(section, configureBinder);
        services.AddSingleton<IValidateOptions<TOptions>, TValidator>();
        return services;
    }

    public static IServiceCollection AddValidatedOptions<TOptions, TValidator, TRules>(this IServiceCollection services, string section)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
        where TRules : class, IValidateOptions<TOptions>
    {
        services.AddValidatedOptions<TOptions, TValidator>(section);
        services.AddSingleton<IValidateOptions<TOptions>, TRules>();
        return services;
    }
}
