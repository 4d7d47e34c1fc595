using System.Diagnostics;
using AspireRouter.Gateway.Costs;

namespace AspireRouter.Gateway.Tests.Costs;

/// <summary>
/// The spool directory a gateway process takes at start-up: one slot per live process when replicas share a base
/// directory (as three local replicas share the machine name), a dead one's slot taken over, and an unwritable
/// directory refused at once with the directory and the fix in the message.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class SpoolDirectoryClaimTests : IDisposable
{
    private readonly string _base = Path.Combine(Path.GetTempPath(), "aspirerouter-claim-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void PerInstance_LiveProcessesTakeDistinctSlots_AndAFreedSlotIsTakenAgain()
    {
        var first = SpoolDirectoryClaim.Take(_base, perInstance: true);
        using var second = SpoolDirectoryClaim.Take(_base, perInstance: true);
        using var third = SpoolDirectoryClaim.Take(_base, perInstance: true);

        Assert.Equal(Path.Combine(_base, $"{Environment.MachineName}-0"), first.Directory);
        Assert.Equal(Path.Combine(_base, $"{Environment.MachineName}-1"), second.Directory);
        Assert.Equal(Path.Combine(_base, $"{Environment.MachineName}-2"), third.Directory);

        // The first owner ends, leaving events behind: the next process takes its slot, and with it those events.
        File.WriteAllText(Path.Combine(first.Directory, "spool.jsonl"), "{}\n");
        first.Dispose();
        using var successor = SpoolDirectoryClaim.Take(_base, perInstance: true);
        Assert.Equal(first.Directory, successor.Directory);
        Assert.True(File.Exists(Path.Combine(successor.Directory, "spool.jsonl")));
    }

    [Fact]
    public void Shared_IsTheBaseDirectory_CreatedAndLeftOpenToOthers()
    {
        using var one = SpoolDirectoryClaim.Take(_base, perInstance: false);
        using var two = SpoolDirectoryClaim.Take(_base, perInstance: false);

        Assert.Equal(_base, one.Directory);
        Assert.Equal(_base, two.Directory);
        Assert.True(Directory.Exists(_base));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_base));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void UnwritableDirectory_FailsAtOnce_NamingTheDirectoryAndTheFix(bool perInstance)
    {
        Directory.CreateDirectory(_base);
        using var readOnly = ReadOnlyDirectory.Make(_base);

        var error = Assert.Throws<InvalidOperationException>(() => SpoolDirectoryClaim.Take(Path.Combine(_base, "global"), perInstance));

        Assert.Contains($"'{Path.Combine(_base, "global")}", error.Message, StringComparison.Ordinal);
        Assert.Contains("is not writable by this process", error.Message, StringComparison.Ordinal);
        Assert.Contains("uid 1654", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Gateway_WithAnUnwritableSpoolDirectory_DoesNotStart()
    {
        Directory.CreateDirectory(_base);
        using var readOnly = ReadOnlyDirectory.Make(_base);

        var error = StartupFailure.Of(
            () => new GatewayFactory(new Dictionary<string, string> { ["Costs:SpoolDirectory"] = _base }),
            factory => factory.CreateClient());

        Assert.Contains("is not writable by this process", error.ToString(), StringComparison.Ordinal);
    }

    public void Dispose()
    {
        if (Directory.Exists(_base))
        {
            Directory.Delete(_base, recursive: true);
        }
    }

    /// <summary>
    /// A directory nobody may write into, root included: mode 0555, and for root (whom modes do not stop) the immutable
    /// attribute as well. Undone on dispose.
    /// </summary>
    private sealed class ReadOnlyDirectory : IDisposable
    {
        private readonly string _path;
        private readonly bool _immutable;

        private ReadOnlyDirectory(string path, bool immutable)
        {
            _path = path;
            _immutable = immutable;
        }

        public static ReadOnlyDirectory Make(string path)
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute
                | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
            var root = Environment.UserName == "root";
            if (root)
            {
                Chattr("+i", path);
            }

            return new ReadOnlyDirectory(path, root);
        }

        public void Dispose()
        {
            if (_immutable)
            {
                Chattr("-i", _path);
            }

            File.SetUnixFileMode(_path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        private static void Chattr(string change, string path)
        {
            using var chattr = Process.Start(new ProcessStartInfo("chattr") { ArgumentList = { change, path } })!;
            chattr.WaitForExit();
            Assert.Equal(0, chattr.ExitCode);
        }
    }
}
