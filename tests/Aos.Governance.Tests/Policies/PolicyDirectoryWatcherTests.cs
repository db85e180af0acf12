using Aos.Governance.Policies;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Aos.Governance.Tests.Policies;

public sealed class PolicyDirectoryWatcherTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("aos-policies-").FullName;
    private readonly PolicyEngine _engine = new(Options.Create(new PolicyEngineOptions()), TimeProvider.System);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task ReloadAsync_ValidFiles_InstallsAllAsOneSet()
    {
        var ct = TestContext.Current.CancellationToken;
        await File.WriteAllTextAsync(Path.Combine(_directory, "a.yaml"), "name: a\nrules:\n  - { id: no-send, effect: deny, when: { action: agent.send } }\n", ct);
        await File.WriteAllTextAsync(Path.Combine(_directory, "b.json"), """{ "name": "b", "rules": [] }""", ct);
        await File.WriteAllTextAsync(Path.Combine(_directory, "notes.txt"), "not a policy", ct);
        using var watcher = new PolicyDirectoryWatcher(_engine, _directory, NullLogger<PolicyDirectoryWatcher>.Instance);

        Assert.True(await watcher.ReloadAsync(ct));

        Assert.Null(watcher.LastError);
        Assert.Equal(["a", "b"], _engine.Policies.Select(p => p.Name));
        Assert.Equal(PolicyEffect.Deny, _engine.Evaluate(new PolicyRequest { Actor = "alice", Action = "agent.send" }).Effect);
    }

    [Fact]
    public async Task ReloadAsync_ChangedFile_SwapsTheSet()
    {
        var ct = TestContext.Current.CancellationToken;
        var file = Path.Combine(_directory, "a.yml");
        await File.WriteAllTextAsync(file, "name: a\nrules:\n  - { id: no-send, effect: deny, when: { action: agent.send } }\n", ct);
        using var watcher = new PolicyDirectoryWatcher(_engine, _directory, NullLogger<PolicyDirectoryWatcher>.Instance);
        await watcher.ReloadAsync(ct);

        await File.WriteAllTextAsync(file, "name: a\nrules:\n  - { id: no-start, effect: deny, when: { action: workflow.start } }\n", ct);
        Assert.True(await watcher.ReloadAsync(ct));

        Assert.Equal(PolicyEffect.Allow, _engine.Evaluate(new PolicyRequest { Actor = "alice", Action = "agent.send" }).Effect);
        Assert.Equal("no-start", _engine.Evaluate(new PolicyRequest { Actor = "alice", Action = "workflow.start" }).RuleId);
    }

    [Fact]
    public async Task ReloadAsync_BadFile_KeepsThePreviousSetAndReportsTheError()
    {
        var ct = TestContext.Current.CancellationToken;
        await File.WriteAllTextAsync(Path.Combine(_directory, "a.yaml"), "name: a\nrules:\n  - { id: no-send, effect: deny, when: { action: agent.send } }\n", ct);
        using var watcher = new PolicyDirectoryWatcher(_engine, _directory, NullLogger<PolicyDirectoryWatcher>.Instance);
        await watcher.ReloadAsync(ct);

        var bad = Path.Combine(_directory, "b.yaml");
        await File.WriteAllTextAsync(bad, "name: b\nrules:\n  - id: r\n    effect: alow\n", ct);

        Assert.False(await watcher.ReloadAsync(ct));
        Assert.Equal($"{bad}: line 4, column 13: unknown effect 'alow' in rule 'r': use allow, deny, require-approval or redact.", watcher.LastError);
        Assert.Equal("a", Assert.Single(_engine.Policies).Name);
        Assert.Equal(PolicyEffect.Deny, _engine.Evaluate(new PolicyRequest { Actor = "alice", Action = "agent.send" }).Effect);

        File.Delete(bad);
        Assert.True(await watcher.ReloadAsync(ct));
        Assert.Null(watcher.LastError);
    }

    [Fact]
    public async Task ReloadAsync_TwoFilesSamePolicyName_Refused()
    {
        var ct = TestContext.Current.CancellationToken;
        await File.WriteAllTextAsync(Path.Combine(_directory, "a.yaml"), "name: same\n", ct);
        await File.WriteAllTextAsync(Path.Combine(_directory, "b.yaml"), "name: same\n", ct);
        using var watcher = new PolicyDirectoryWatcher(_engine, _directory, NullLogger<PolicyDirectoryWatcher>.Instance);

        Assert.False(await watcher.ReloadAsync(ct));

        Assert.Contains("Two policies are named 'same'", watcher.LastError, StringComparison.Ordinal);
        Assert.Empty(_engine.Policies);
    }
}
