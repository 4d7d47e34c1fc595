using AspireRouter.Gateway.Requests;
using AspireRouter.Gateway.Routing;

namespace AspireRouter.Gateway.Budgets;

/// <summary>
/// The budget one request holds: its team's reservation and its key's, each made at admission for the most one attempt
/// can cost (a fallback or retry after a failure needs no more: failed attempts are not billed). A hedge, which can be
/// billed alongside the attempt it races, tops them up first (<see cref="TryTopUpAsync"/>); when the request ends,
/// <see cref="SettleAsync"/> replaces them with its real cost — called from the pipeline's last stage on every path.
/// </summary>
public sealed class BudgetHold(BudgetGuard guard, ChatRequest request, IReadOnlyList<BudgetGuard.Reservation> reservations)
{
    private int _settled;

    /// <summary>Nothing held: no budget applies to the request.</summary>
    public static BudgetHold None(BudgetGuard guard, ChatRequest request) => new(guard, request, []);

    public IReadOnlyList<BudgetGuard.Reservation> Reservations => reservations;

    /// <summary>
    /// Extends every reservation by what an attempt on <paramref name="candidate"/> could cost; false at the first one
    /// whose period has no room left (what was extended before stays held until the settlement).
    /// </summary>
    public async ValueTask<bool> TryTopUpAsync(Candidate candidate, CancellationToken cancellationToken)
    {
        foreach (var reservation in reservations)
        {
            if ((await guard.TopUpAsync(reservation, candidate.Model, request)).Error is not null)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Settles every reservation with the request's cost, once; a failure of one never stops the others.</summary>
    public async Task SettleAsync(decimal costUsd)
    {
        if (Interlocked.Exchange(ref _settled, 1) == 1)
        {
            return;
        }

        foreach (var reservation in reservations)
        {
            await guard.SettleAsync(reservation, costUsd); // logs and swallows a Redis failure: the lease releases it
        }
    }
}
