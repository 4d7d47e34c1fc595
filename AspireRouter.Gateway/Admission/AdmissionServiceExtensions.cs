namespace AspireRouter.Gateway.Admission;

public static class AdmissionServiceExtensions
{
    /// <summary>The admission stage (it draws on keys, routing and budgets, wired by their own folders).</summary>
    public static IHostApplicationBuilder AddAdmission(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<RequestAdmission>();
        return builder;
    }
}
