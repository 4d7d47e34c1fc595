namespace AspireRouter.Testing;

/// <summary>
/// The error a host that must not start fails with. <c>WebApplicationFactory</c>'s deferred host asks the app's
/// service provider for its lifetime while the app's own thread is already starting it; when start-up fails fast, that
/// thread may have disposed the provider first, and the test sees <see cref="ObjectDisposedException"/> instead of the
/// start-up error (seen once on CI). The race is the framework's: a new host is tried, a few times at most. A host that
/// starts fails the test.
/// </summary>
public static class StartupFailure
{
    private const int Attempts = 5;

    /// <summary>Creates a host, starts it with <paramref name="start"/> and returns what start-up threw.</summary>
    public static Exception Of<THost>(Func<THost> create, Action<THost> start)
        where THost : IDisposable
    {
        for (var attempt = 1; ; attempt++)
        {
            using var host = create();
            try
            {
                start(host);
            }
            catch (ObjectDisposedException) when (attempt < Attempts)
            {
                continue;
            }
            catch (Exception error)
            {
                return error;
            }

            Assert.Fail("The host started; a start-up failure was expected.");
        }
    }
}
