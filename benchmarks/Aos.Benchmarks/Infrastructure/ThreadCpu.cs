using System.Globalization;

namespace Aos.Benchmarks.Infrastructure;

/// <summary>Reads the CPU time of this process's threads by name, from <c>/proc/self/task</c> (Linux only; zero elsewhere).</summary>
internal static class ThreadCpu
{
    // USER_HZ: the unit of utime and stime in /proc/<pid>/task/<tid>/stat on Linux.
    private const double TicksPerSecond = 100;

    /// <summary>Gets the CPU time used so far by this process's threads, grouped by thread name (digits dropped, so numbered pool threads form one group).</summary>
    public static Dictionary<string, TimeSpan> ByName()
    {
        var groups = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);
        if (!Directory.Exists("/proc/self/task"))
        {
            return groups;
        }

        foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            try
            {
                var name = new string([.. File.ReadAllText(Path.Combine(task, "comm")).Trim().Where(c => !char.IsAsciiDigit(c))]).Trim();
                groups[name] = groups.GetValueOrDefault(name) + Ticks(File.ReadAllText(Path.Combine(task, "stat")));
            }
            catch (IOException)
            {
                // The thread ended while we read it.
            }
        }

        return groups;
    }

    /// <summary>Gets the CPU time (user and system) used so far by another process, or zero if it is gone.</summary>
    public static TimeSpan OfProcess(int pid)
    {
        try
        {
            return Ticks(File.ReadAllText($"/proc/{pid}/stat"));
        }
        catch (IOException)
        {
            return TimeSpan.Zero;
        }
    }

    private static TimeSpan Ticks(string stat)
    {
        // Fields after "pid (comm) ": state is field 3, utime field 14, stime field 15.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return TimeSpan.FromSeconds((long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond);
    }

    /// <summary>Gets the CPU time (user and system) used so far by the threads whose name starts with <paramref name="namePrefix"/>.</summary>
    /// <param name="namePrefix">The start of the thread name; Linux keeps only its first 15 characters.</param>
    public static TimeSpan Of(string namePrefix) =>
        TimeSpan.FromTicks(SumOver(namePrefix, static task => Ticks(File.ReadAllText(Path.Combine(task, "stat"))).Ticks));

    /// <summary>Gets the bytes written so far (<c>wchar</c>: every write call, whether or not it reached the disk yet) by the threads whose name starts with <paramref name="namePrefix"/>.</summary>
    /// <param name="namePrefix">The start of the thread name; Linux keeps only its first 15 characters.</param>
    public static long WrittenBy(string namePrefix) =>
        SumOver(namePrefix, static task =>
        {
            foreach (var line in File.ReadLines(Path.Combine(task, "io")))
            {
                if (line.StartsWith("wchar:", StringComparison.Ordinal))
                {
                    return long.Parse(line.AsSpan("wchar:".Length), CultureInfo.InvariantCulture);
                }
            }

            return 0;
        });

    /// <summary>Sums a counter read from <c>/proc/self/task/&lt;tid&gt;</c> over the threads whose name starts with <paramref name="namePrefix"/>.</summary>
    private static long SumOver(string namePrefix, Func<string, long> read)
    {
        var prefix = namePrefix.Length > 15 ? namePrefix[..15] : namePrefix;
        var total = 0L;
        if (!Directory.Exists("/proc/self/task"))
        {
            return total;
        }

        foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            try
            {
                if (File.ReadAllText(Path.Combine(task, "comm")).StartsWith(prefix, StringComparison.Ordinal))
                {
                    total += read(task);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // The thread ended while we read it, or the kernel does not let us read its counters.
            }
        }

        return total;
    }
}
