using System.Diagnostics;
using System.Reflection;
using System.Text.RegularExpressions;

namespace Aos.AcceptanceTests;

/// <summary>Runs samples/01-hello-agent twice on one data directory, as its README says.</summary>
public sealed partial class HelloAgentSampleTests
{
    private static readonly string HelloAgentDll = typeof(HelloAgentSampleTests).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "HelloAgentPath").Value!;

    [Fact]
    public async Task HelloAgent_RunTwice_KeepsCountingGreetings()
    {
        Assert.True(File.Exists(HelloAgentDll), $"The sample is not built at {HelloAgentDll}.");
        using var data = new TempDirectory();

        var first = await RunAsync(data.Path);
        var second = await RunAsync(data.Path);

        Assert.Contains("Registered greeter-1.", first);
        Assert.Contains("greeter-1 is registered already", second);
        var firstCount = Greeted(first);
        var secondCount = Greeted(second);
        Assert.Equal(2, firstCount);
        Assert.True(secondCount > firstCount, $"The second run greeted {secondCount}, the first {firstCount}: state was not kept.");
        Assert.Equal(4, secondCount);
        Assert.Contains("the last one Grace", second);
    }

    private static async Task<string> RunAsync(string dataDirectory)
    {
        var info = DotNet.StartInfo(HelloAgentDll, [dataDirectory], dataDirectory);
        using var process = Process.Start(info)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        limit.CancelAfter(TimeSpan.FromSeconds(90));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            throw new TimeoutException($"HelloAgent did not exit.\n{await stdout}\n{await stderr}");
        }

        Assert.True(process.ExitCode == 0, $"HelloAgent exited with {process.ExitCode}.\n{await stdout}\n{await stderr}");
        return await stdout;
    }

    private static int Greeted(string output)
    {
        var match = GreetedPattern().Match(output);
        Assert.True(match.Success, $"No greeting count in:\n{output}");
        return int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"has greeted (\d+) people in all")]
    private static partial Regex GreetedPattern();
}
