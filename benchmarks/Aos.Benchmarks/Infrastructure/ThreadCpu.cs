using System.Globalization;

namespace Aos.Benchmarks.Infrastructure;

/// <summary>Reads the CPU time of this process's threads by name, from <c>/proc/self/task</c> (Linux only; zero elsewhere).</summary>
internal static class ThreadCpu
{
    // USER_HZ: the unit of utime and stime in /proc/<pid>/task/<tid>/stat on Linux.
    private const double TicksPerSecond = 100;

    /// <summary>Gets the CPU time (user and system) used so far by the threads whose name starts with <paramref name="namePrefix"/>.</summary>
    /// <param name="namePrefix">The start of the thread name; Linux keeps only its first 15 characters.</param>
    public static TimeSpan Of(string namePrefix)
    {
        var prefix = namePrefix.Length > 15 ? namePrefix[..15] : namePrefix;
        long ticks = 0;
        if (!Directory.Exists("/proc/self/task"))
        {
            return TimeSpan.Zero;
        }

        foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            try
            {
                if (!File.ReadAllText(Path.Combine(task, "comm")).StartsWith(prefix, StringComparison.Ordinal))
                {
                    continue;
                }

                // Fields after "pid (comm) ": state is field 3, utime field 14, stime field 15.
                var stat = File.ReadAllText(Path.Combine(task, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                ticks += long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            }
            catch (IOException)
            {
                // The thread ended while we read it.
            }
        }

        return TimeSpan.FromSeconds(ticks / TicksPerSecond);
    }
}
