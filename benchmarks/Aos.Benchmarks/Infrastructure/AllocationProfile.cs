using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing.Etlx;
using Microsoft.Diagnostics.Tracing.Parsers;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

namespace Aos.Benchmarks.Infrastructure;

/// <summary>
/// Records this process's allocation samples (the runtime's <c>GCAllocationTick</c> events, one per ~100 KB allocated, with
/// stacks) through EventPipe, as <c>dotnet-trace</c> would, and prints where the bytes come from.
/// </summary>
internal sealed class AllocationProfile : IAsyncDisposable
{
    private static readonly string[] OwnNamespaces = ["Aos.", "Orleans.", "Polly", "Microsoft.Data.Sqlite", "Newtonsoft", "System.Text.Json"];

    private readonly EventPipeSession _session;
    private readonly Task _copy;

    private AllocationProfile(EventPipeSession session, string path)
    {
        _session = session;
        _copy = Task.Run(async () =>
        {
            await using var file = File.Create(path);
            await session.EventStream.CopyToAsync(file);
        });
    }

    public static AllocationProfile Start(string path)
    {
        var keywords = ClrTraceEventParser.Keywords.GC | ClrTraceEventParser.Keywords.Jit | ClrTraceEventParser.Keywords.Loader;
        var provider = new EventPipeProvider("Microsoft-Windows-DotNETRuntime", EventLevel.Verbose, (long)keywords);
        var session = new DiagnosticsClient(Environment.ProcessId).StartEventPipeSession([provider], requestRundown: true, circularBufferMB: 512);
        return new AllocationProfile(session, path);
    }

    public async ValueTask DisposeAsync()
    {
        await _session.StopAsync(CancellationToken.None);
        await _copy;
        _session.Dispose();
    }

    /// <summary>Prints the allocated types, and the innermost AOS, Orleans, Polly, SQLite or JSON method on each sample's stack.</summary>
    public static void Print(string path, int top = 25)
    {
        using var log = new TraceLog(TraceLog.CreateFromEventPipeDataFile(path));
        var byType = new Dictionary<string, long>();
        var bySite = new Dictionary<string, long>();
        long total = 0;
        foreach (var traceEvent in log.Events)
        {
            if (traceEvent is not GCAllocationTickTraceData tick)
            {
                continue;
            }

            var amount = tick.AllocationAmount64;
            total += amount;
            byType[tick.TypeName] = byType.GetValueOrDefault(tick.TypeName) + amount;
            var site = "?";
            for (var frame = tick.CallStack(); frame is not null; frame = frame.Caller)
            {
                var name = frame.CodeAddress.FullMethodName;
                if (!string.IsNullOrEmpty(name) && OwnNamespaces.Any(ns => name.StartsWith(ns, StringComparison.Ordinal)))
                {
                    site = name.Length > 140 ? name[..140] : name;
                    break;
                }
            }

            bySite[site] = bySite.GetValueOrDefault(site) + amount;
        }

        Console.WriteLine();
        Console.WriteLine($"Allocation samples: {total / 1048576.0:N0} MiB in all.");
        Console.WriteLine();
        Console.WriteLine("| Share | Allocated type |");
        Console.WriteLine("|--:|---|");
        foreach (var (name, amount) in byType.OrderByDescending(kv => kv.Value).Take(top))
        {
            Console.WriteLine($"| {100.0 * amount / total:0.0} % | `{name}` |");
        }

        Console.WriteLine();
        Console.WriteLine("| Share | Innermost AOS, Orleans, Polly, SQLite or JSON method |");
        Console.WriteLine("|--:|---|");
        foreach (var (name, amount) in bySite.OrderByDescending(kv => kv.Value).Take(top))
        {
            Console.WriteLine($"| {100.0 * amount / total:0.0} % | `{name}` |");
        }
    }
}
