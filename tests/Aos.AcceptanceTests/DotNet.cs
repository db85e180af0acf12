using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Aos.AcceptanceTests;

/// <summary>Starts .NET applications as child processes, the way a user runs them.</summary>
internal static class DotNet
{
    /// <summary>Gets the <c>dotnet</c> host: the one running the tests when the SDK says so, else the one on the PATH.</summary>
    public static string HostPath { get; } =
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    /// <summary>Gets the <c>aos</c> CLI, copied next to the tests by the project reference.</summary>
    public static string AosDll { get; } = Path.Combine(AppContext.BaseDirectory, "aos.dll");

    /// <summary>Describes <c>dotnet &lt;dll&gt; args…</c> with redirected output and no inherited AOS settings.</summary>
    public static ProcessStartInfo StartInfo(string dll, IEnumerable<string> args, string workingDirectory, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(HostPath)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        // The machine's own AOS settings must not leak into a test.
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("AOS", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            info.Environment.Remove(key);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        return info;
    }

    /// <summary>Finds a loopback port nothing listens on right now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
