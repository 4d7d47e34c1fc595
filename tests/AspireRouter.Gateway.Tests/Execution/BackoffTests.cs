using AspireRouter.Gateway.Execution;

namespace AspireRouter.Gateway.Tests.Execution;

public class BackoffTests
{
    private static readonly TimeSpan Base = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan Max = TimeSpan.FromSeconds(2);

    [Theory]
    [InlineData(1, 200)]
    [InlineData(2, 400)]
    [InlineData(3, 800)]
    [InlineData(5, 2000)]
    [InlineData(40, 2000)]
    public void Delay_CeilingGrowsExponentially_UpToTheMax(int retry, double ceilingMs)
    {
        Assert.Equal(ceilingMs, Backoff.Delay(retry, Base, Max, null, 1.0).TotalMilliseconds, 3);
        Assert.Equal(0, Backoff.Delay(retry, Base, Max, null, 0.0).TotalMilliseconds);
    }

    [Fact]
    public void Delay_IsFullJitter_UniformBelowTheCeiling()
    {
        Assert.Equal(100, Backoff.Delay(2, Base, Max, null, 0.25).TotalMilliseconds, 3);
    }

    [Fact]
    public void Delay_NeverShorterThanRetryAfter()
    {
        Assert.Equal(TimeSpan.FromSeconds(3), Backoff.Delay(1, Base, Max, TimeSpan.FromSeconds(3), 0.5));
    }
}
