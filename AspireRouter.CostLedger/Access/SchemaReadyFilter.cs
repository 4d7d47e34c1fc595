using AspireRouter.CostLedger.Data;

namespace AspireRouter.CostLedger.Access;

/// <summary>
/// Holds a request that needs the database until the ledger's migrations are applied (a fresh deployment's first
/// seconds, a replica waiting for another's migrations), at most <see cref="MaxWait"/>; then a 503 <c>ledger_starting</c>
/// with <c>Retry-After</c> instead of an error from a table that does not exist yet.
/// </summary>
public sealed class SchemaReadyFilter(LedgerSchema schema) : IEndpointFilter
{
    public static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(30);

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (!schema.IsReady)
        {
            try
            {
                await schema.WaitAsync(context.HttpContext.RequestAborted).WaitAsync(MaxWait, context.HttpContext.RequestAborted);
            }
            catch (TimeoutException)
            {
                context.HttpContext.Response.Headers.RetryAfter = "5";
                return TypedResults.Json(
                    new ErrorResponse(new ErrorBody("The ledger is starting: its database is not migrated yet. Retry shortly.", "api_error", null, "ledger_starting")),
                    AccessJsonContext.Default.ErrorResponse, statusCode: StatusCodes.Status503ServiceUnavailable);
            }
        }

        return await next(context);
    }
}
