using Aos.Testing;

namespace Aos.Cli.Tests;

public sealed class BackupCommandTests(ServerFixture fixture) : IClassFixture<ServerFixture>, IDisposable
{
    private readonly Uri _server = fixture.Address;
    private readonly string _root = AosTestHost.CreateTempDirectory();

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task Backup_ThenRestore_GivesADataDirectoryWithTheDatabase()
    {
        var backup = Path.Combine(_root, "backup");
        var data = Path.Combine(_root, "data");

        var backedUp = await Cli.RunAsync(_server, "backup", backup);
        var restored = await Cli.RunAsync(_server, "restore", backup, "--data", data);

        backedUp.AssertExitCode(ExitCodes.Success);
        Assert.StartsWith($"backed up to {backup}: database ", backedUp.Output, StringComparison.Ordinal);
        restored.AssertExitCode(ExitCodes.Success);
        Assert.Contains($"into {data}", restored.Output, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(data, "aos.db")));
    }

    [Fact]
    public async Task Backup_IntoANonEmptyDirectory_IsRefusedWithTheReason()
    {
        await File.WriteAllTextAsync(Path.Combine(_root, "taken"), "x", TestContext.Current.CancellationToken);

        var result = await Cli.RunAsync(_server, "backup", _root);

        result.AssertExitCode(ExitCodes.Refused);
        Assert.Contains("is not empty", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Restore_NotABackup_ExitsWithUsage()
    {
        var result = await Cli.RunAsync(_server, "restore", _root, "--data", Path.Combine(_root, "data"));

        result.AssertExitCode(ExitCodes.Usage);
        Assert.Contains("not an AOS backup", result.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_root, "data")));
    }
}
