namespace AspireRouter.Gateway.Requests;

/// <summary>
/// The parse stage's product: everything later stages read about one chat completion call, read once — its ids, the
/// parsed body, and who it is charged to as the client said it.
/// </summary>
/// <param name="RequestId">The gateway's own id (<c>req_</c> + UUIDv7): the ledger key, sent upstream.</param>
/// <param name="CorrelationId">The client's <c>X-Request-Id</c>, if any: echoed and stored, never a key.</param>
/// <param name="Request">The parsed body.</param>
/// <param name="Attribution">Team, user and feature as the request gave them (a key's team replaces the team at admission).</param>
public sealed record ChatCall(string RequestId, string? CorrelationId, ChatRequest Request, CostAttribution Attribution);
