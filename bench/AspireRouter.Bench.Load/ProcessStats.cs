using System.Globalization;

namespace AspireRouter.Bench.Load;

/// <summary>CPU time and memory of a process from <c>/proc</c> (Linux): what each process of a run used.</summary>
public readonly record struct ProcessSample(double CpuSeconds, long RssBytes, long PeakRssBytes)
{
    /// <summary>Clock ticks per second of <c>/proc/[pid]/stat</c> (USER_HZ, 100 on Linux).</summary>
    private const double ClockTicks = 100.0;

    /// <summary>Reads the process; null when it is gone or /proc is not there.</summary>
    public static ProcessSample? Read(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var status = File.ReadAllLines($"/proc/{pid}/status");
            return Parse(stat, status);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Parses <c>stat</c> (utime, stime: fields 14 and 15) and <c>status</c> (VmRSS, VmHWM).</summary>
    public static ProcessSample Parse(string stat, IEnumerable<string> status)
    {
        // The command name (field 2) is in parentheses and may hold spaces: count fields after its closing one.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var cpu = (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / ClockTicks;
        long rss = 0, peak = 0;
        foreach (var line in status)
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                rss = Kilobytes(line) * 1024;
            }
            else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                peak = Kilobytes(line) * 1024;
            }
        }

        return new ProcessSample(cpu, rss, peak);
    }

    private static long Kilobytes(string line) =>
        long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture);
}

/// <summary>A process the benchmark watches: its role and pid.</summary>
public sealed record WatchedProcess(string Name, int Pid);
