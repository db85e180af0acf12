using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Aos.Benchmarks.Infrastructure;

namespace Aos.Benchmarks.Measurements;

/// <summary>
/// Measures <c>aos up</c> from process start to the first <c>/readyz</c> that answers 200, on an empty data directory and a
/// free port, over several runs. Baselines: the time to the first line of output of a trivial command on the same runtime
/// (this assembly's <c>--hello</c>, and <c>aos --version</c>).
/// </summary>
internal static class StartupMeasurement
{
    private const int Runs = 7;

    public static async Task RunAsync()
    {
        Console.WriteLine();
        Console.WriteLine($"## aos up: start to /readyz = 200 ({Runs} runs after one discarded warm-up run)");
        var aos = FindAos();
        if (aos is null)
        {
            Console.WriteLine("aos.dll not found: build it first with `dotnet build -c Release src/Aos.Cli`. Skipped.");
            return;
        }

        var cpu = CpuMonitor.Start();
        var hello = typeof(Program).Assembly.Location;
        var helloTimes = new List<double>();
        var versionTimes = new List<double>();
        var firstLineTimes = new List<double>();
        var readyTimes = new List<double>();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(1) };
        for (var run = 0; run <= Runs; run++)
        {
            var helloTime = await TimeFirstLineAsync([hello, "--hello"]);
            var versionTime = await TimeFirstLineAsync([aos, "--version"]);
            var (firstLine, ready) = await TimeUpAsync(http, aos);
            if (run == 0)
            {
                continue;
            }

            helloTimes.Add(helloTime);
            versionTimes.Add(versionTime);
            firstLineTimes.Add(firstLine);
            readyTimes.Add(ready);
        }

        Console.WriteLine();
        Console.WriteLine("| From process start to … | Runs | median ms | min ms | max ms | ratio to baseline (median) |");
        Console.WriteLine("|---|--:|--:|--:|--:|--:|");
        var baseline = new Percentiles(helloTimes).At(50);
        Row("first output line of `dotnet Aos.Benchmarks.dll --hello` (trivial console app, baseline)", helloTimes, baseline);
        Row("first output line of `dotnet aos.dll --version`", versionTimes, baseline);
        Row("`dotnet aos.dll up` prints \"AOS is up\" (host started)", firstLineTimes, baseline);
        Row("`/readyz` answers 200 (`dotnet aos.dll up`, empty data directory)", readyTimes, baseline);
        Console.WriteLine();
        Console.WriteLine($"aos.dll: {aos}");
        Console.WriteLine(cpu.Stop() + " (the measured processes count as other processes here)");
    }

    private static void Row(string name, List<double> times, double baseline)
    {
        var p = new Percentiles(times);
        Console.WriteLine($"| {name} | {p.Count} | {p.At(50):0} | {times.Min():0} | {p.Max:0} | {p.At(50) / baseline:0.0} |");
    }

    private static async Task<double> TimeFirstLineAsync(string[] arguments)
    {
        var watch = Stopwatch.StartNew();
        using var process = Start(arguments);
        _ = process.StandardError.ReadToEndAsync();
        var line = await process.StandardOutput.ReadLineAsync();
        var elapsed = watch.Elapsed.TotalMilliseconds;
        await process.WaitForExitAsync();
        if (line is null)
        {
            throw new InvalidOperationException($"`dotnet {string.Join(' ', arguments)}` printed nothing (exit code {process.ExitCode}).");
        }

        return elapsed;
    }

    private static async Task<(double FirstLine, double Ready)> TimeUpAsync(HttpClient http, string aos)
    {
        var data = BenchHost.CreateTempDirectory();
        var url = $"http://127.0.0.1:{FreePort()}";
        var watch = Stopwatch.StartNew();
        using var process = Start([aos, "up", "--data", data, "--urls", url]);
        var errors = process.StandardError.ReadToEndAsync();
        var firstLine = WaitForLineAsync(process, "AOS is up", watch);
        try
        {
            while (true)
            {
                if (process.HasExited)
                {
                    throw new InvalidOperationException($"aos up exited with code {process.ExitCode} before it was ready: {await errors}");
                }

                try
                {
                    using var response = await http.GetAsync(url + "/readyz");
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        var ready = watch.Elapsed.TotalMilliseconds;
                        return (await firstLine, ready);
                    }
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                }
                catch (TaskCanceledException)
                {
                    // Listening but not answering yet.
                }

                if (watch.Elapsed > TimeSpan.FromSeconds(60))
                {
                    throw new TimeoutException("aos up was not ready within 60 s.");
                }

                await Task.Delay(5);
            }
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            BenchHost.DeleteDirectory(data);
        }
    }

    private static async Task<double> WaitForLineAsync(Process process, string prefix, Stopwatch watch)
    {
        while (await process.StandardOutput.ReadLineAsync() is { } line)
        {
            if (line.StartsWith(prefix, StringComparison.Ordinal))
            {
                var elapsed = watch.Elapsed.TotalMilliseconds;

                // Keeps draining, so the process never blocks on a full pipe.
                _ = process.StandardOutput.ReadToEndAsync();
                return elapsed;
            }
        }

        return double.NaN;
    }

    private static Process Start(string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start.");
    }

    private static string? FindAos()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Aos.slnx")))
            {
                var path = Path.Combine(directory.FullName, "src", "Aos.Cli", "bin", "Release", "net10.0", "aos.dll");
                return File.Exists(path) ? path : null;
            }
        }

        return null;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
