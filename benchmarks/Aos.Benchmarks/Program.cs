using System.Runtime.CompilerServices;
using Aos.Benchmarks.Measurements;
using BenchmarkDotNet.Running;

namespace Aos.Benchmarks;

/// <summary>Runs BenchmarkDotNet benchmarks, or a one-shot measurement with <c>--measure</c>.</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args is ["--hello"])
        {
            // The startup baseline: the same runtime and host, with nothing to do but print a line.
            Console.WriteLine("hello");
            return 0;
        }

        return Run(args);
    }

    // Kept out of Main so that --hello loads and compiles nothing else.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int Run(string[] args)
    {
        if (args is ["--measure", .. var names])
        {
            return MeasurementRunner.RunAsync(names).GetAwaiter().GetResult();
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
