using Aos.Governance.Policies;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Aos.Governance.Tests.Policies;

/// <summary>Two nodes (two engines and reloaders) over one real SQLite governance store, on a fake clock.</summary>
public sealed class PolicyReloaderTests : IAsyncDisposable
{
    private const string DenySend = "name: guard\nrules:\n  - { id: no-send, effect: deny, when: { action: agent.send } }\n";
    private const string DenyStart = "name: guard\nrules:\n  - { id: no-start, effect: deny, when: { action: workflow.start } }\n";

    private readonly SqliteGovernanceStore _store = new();
    private readonly List<PolicyReloader> _reloaders = [];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync()
    {
        foreach (var reloader in _reloaders)
        {
            reloader.Dispose();
        }

        await _store.DisposeAsync();
    }

    [Fact]
    public async Task PutAsync_InstallsOnThisNodeAtOnce_AndTheOtherNodeAtItsNextPeriodicRead()
    {
        var (engineA, nodeA) = await StartNodeAsync();
        var (engineB, nodeB) = await StartNodeAsync();

        var stored = await nodeA.PutAsync("guard", "yaml", DenySend, "user:default/ada", cancellationToken: Ct);

        Assert.Equal("user:default/ada", stored.UpdatedBy);
        Assert.Equal(PolicyEffect.Deny, engineA.Evaluate(Send()).Effect);
        Assert.Equal(PolicyEffect.Allow, engineB.Evaluate(Send()).Effect);
        await NextPeriodicReadAsync(nodeB);
        Assert.Equal(PolicyEffect.Deny, engineB.Evaluate(Send()).Effect);
        Assert.Equal("no-send", engineB.Evaluate(Send()).RuleId);
    }

    [Fact]
    public async Task DeleteAsync_UninstallsEverywhere()
    {
        var (engineA, nodeA) = await StartNodeAsync();
        var (engineB, nodeB) = await StartNodeAsync();
        await nodeA.PutAsync("guard", "yaml", DenySend, "ada", cancellationToken: Ct);
        await NextPeriodicReadAsync(nodeB);

        Assert.True(await nodeA.DeleteAsync("guard", Ct));
        Assert.False(await nodeA.DeleteAsync("guard", Ct));

        Assert.Empty(engineA.Policies);
        await NextPeriodicReadAsync(nodeB);
        Assert.Empty(engineB.Policies);
    }

    [Fact]
    public async Task PutAsync_InvalidPolicy_IsRefusedWithItsLine_AndTheOldOneStaysStoredAndInstalled()
    {
        var (engine, node) = await StartNodeAsync();
        var old = await node.PutAsync("guard", "yaml", DenySend, "ada", cancellationToken: Ct);

        var error = await Assert.ThrowsAsync<AosValidationException>(() =>
            node.PutAsync("guard", "yaml", "name: guard\nrules:\n  - { id: x, effect: forbid, when: { action: a } }\n", "ada", cancellationToken: Ct));

        Assert.Contains("line 3", error.Message, StringComparison.Ordinal);
        Assert.Contains("forbid", error.Message, StringComparison.Ordinal);
        Assert.Equal(old, await new PolicyStore(_store.Catalog).GetAsync("guard", Ct));
        Assert.Equal(PolicyEffect.Deny, engine.Evaluate(Send()).Effect);
    }

    [Fact]
    public async Task PutAsync_NameDiffersFromTheText_IsRefused()
    {
        var (_, node) = await StartNodeAsync();

        var error = await Assert.ThrowsAsync<AosValidationException>(() => node.PutAsync("other", "yaml", DenySend, "ada", cancellationToken: Ct));

        Assert.Contains("'guard'", error.Message, StringComparison.Ordinal);
        Assert.Null(await new PolicyStore(_store.Catalog).GetAsync("other", Ct));
    }

    [Fact]
    public async Task Reload_MergesTheDirectory_AndRefusesAStoredPolicyNamedLikeAFile()
    {
        var directory = Directory.CreateTempSubdirectory("aos-policies-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(directory, "guard.yaml"), DenyStart, Ct);
            var (engine, node) = await StartNodeAsync(directory);

            await node.PutAsync("sends", "json", """{ "name": "sends", "rules": [ { "id": "no-send", "effect": "deny", "when": { "action": "agent.send" } } ] }""", "ada", cancellationToken: Ct);
            var clash = await Assert.ThrowsAsync<AosValidationException>(() => node.PutAsync("guard", "yaml", DenySend, "ada", cancellationToken: Ct));

            Assert.Contains("guard.yaml", clash.Message, StringComparison.Ordinal);
            Assert.Equal(["sends", "guard"], engine.Policies.Select(p => p.Name));
            Assert.Equal(PolicyEffect.Deny, engine.Evaluate(new PolicyRequest { Actor = "a", Action = "workflow.start" }).Effect);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task PeriodicRead_BadDirectoryFile_KeepsTheInstalledSet_AndReportsIt()
    {
        var directory = Directory.CreateTempSubdirectory("aos-policies-").FullName;
        try
        {
            var file = Path.Combine(directory, "guard.yaml");
            await File.WriteAllTextAsync(file, DenyStart, Ct);
            var (engine, node) = await StartNodeAsync(directory);

            await File.WriteAllTextAsync(file, "name: guard\nrules: [ { id: x, effect: deny, when: { action: a } }\n", Ct);
            File.SetLastWriteTimeUtc(file, DateTime.UtcNow.AddMinutes(1));
            Assert.False(await NextPeriodicReadAsync(node));

            Assert.Contains("guard.yaml", node.LastError, StringComparison.Ordinal);
            Assert.Equal(PolicyEffect.Deny, engine.Evaluate(new PolicyRequest { Actor = "a", Action = "workflow.start" }).Effect);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task StartAsync_NonPositiveInterval_IsRefusedNamingTheOption()
    {
        var reloader = NewReloader(new PolicyEngine(Options.Create(new PolicyEngineOptions()), _store.Time), new PolicyReloadOptions { RefreshInterval = TimeSpan.Zero });

        var error = await Assert.ThrowsAsync<AosValidationException>(() => reloader.StartAsync(Ct));

        Assert.Contains("RefreshInterval", error.Message, StringComparison.Ordinal);
    }

    private static PolicyRequest Send() => new() { Actor = "alice", Action = "agent.send" };

    private async Task<(PolicyEngine Engine, PolicyReloader Reloader)> StartNodeAsync(string? directory = null)
    {
        var engine = new PolicyEngine(Options.Create(new PolicyEngineOptions()), _store.Time);
        var reloader = NewReloader(engine, new PolicyReloadOptions { Directory = directory });
        await reloader.StartAsync(Ct);
        return (engine, reloader);
    }

    private PolicyReloader NewReloader(PolicyEngine engine, PolicyReloadOptions options)
    {
        var reloader = new PolicyReloader(engine, new PolicyStore(_store.Catalog), Options.Create(options), _store.Time, NullLogger<PolicyReloader>.Instance);
        _reloaders.Add(reloader);
        return reloader;
    }

    /// <summary>Advances the shared clock by one refresh interval and waits for this node's periodic read to finish.</summary>
    private async Task<bool> NextPeriodicReadAsync(PolicyReloader reloader)
    {
        var read = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnRead(bool installed) => read.TrySetResult(installed);
        reloader.PeriodicReloadCompleted += OnRead;
        try
        {
            _store.Time.Advance(new PolicyReloadOptions().RefreshInterval);
            return await read.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        }
        finally
        {
            reloader.PeriodicReloadCompleted -= OnRead;
        }
    }
}
