using System.Text.Json;
using Aos.Agents;
using Aos.Hosting;
using Aos.Kernel.Tests.Support;
using Aos.Kernel.Tests.TestAgents;
using Aos.Kernel.Registry;
using Aos.Storage;
using Aos.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Aos.Kernel.Tests.Hosting;

public sealed class AgentStorageTests
{
    private static readonly AgentId Alice = AgentId.Parse("alice");
    private static readonly AgentId Bob = AgentId.Parse("bob");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Storage_AgentWritesABlob_OnlyItReadsItBack_AndItSurvivesARestart()
    {
        using var data = new TempDirectory();
        await using (var host = await StartAsync(data.Path))
        {
            await host.Registry.RegisterAsync(
                [new AgentRegistration { Id = Alice.Value, Type = StorageAgent.TypeName }, new AgentRegistration { Id = Bob.Value, Type = StorageAgent.TypeName }], Ct);

            await host.Client.SendAsync(Alice, Message(host, "note", new { name = "plan.txt", text = "ship it" }), Ct);

            Assert.Equal("ship it", await ReadAsync(host, Alice, "plan.txt"));
            Assert.Null(await ReadAsync(host, Bob, "plan.txt"));
            var catalog = host.Services.GetRequiredService<StorageCatalog>();
            var properties = await catalog.ForAgent(Alice).Blobs("notes").GetPropertiesAsync("plan.txt", Ct);
            Assert.Equal("text/plain", properties!.ContentType);
            Assert.Null(await catalog.GetBlobStore("notes").GetPropertiesAsync("plan.txt", Ct));
            await host.StopAsync();
        }

        await using (var host = await StartAsync(data.Path))
        {
            Assert.Equal("ship it", await ReadAsync(host, Alice, "plan.txt"));
        }
    }

    [Fact]
    public async Task TenantStorage_AgentsGrantedAStore_ShareItsTenantPart_OthersAreRefused_AndTenantsNeverMeet()
    {
        using var data = new TempDirectory();
        await using var host = await StartAsync(data.Path);
        var ledger = new AgentGrants { Stores = ["ledger"] };
        await host.Registry.RegisterAsync(
        [
            new AgentRegistration { Id = "writer", Type = StorageAgent.TypeName, Grants = ledger },
            new AgentRegistration { Id = "reader", Type = StorageAgent.TypeName, Grants = new AgentGrants { Stores = ["*"] } },
            new AgentRegistration { Id = "outsider", Type = StorageAgent.TypeName },
        ], Ct);
        await host.Registry.RegisterAsync([new AgentRegistration { Id = "acme-reader", Type = StorageAgent.TypeName, Grants = ledger }], "acme", Ct);

        await RequestAsync(host, AgentId.Parse("writer"), "share", new { name = "q3.txt", text = "closed", store = "ledger" });

        Assert.Equal("closed", await RequestAsync(host, AgentId.Parse("reader"), "read-shared", new { name = "q3.txt", store = "ledger" }));
        Assert.Null(await RequestAsync(host, AgentId.Parse("acme-reader"), "read-shared", new { name = "q3.txt", store = "ledger" }, tenant: "acme"));
        Assert.Null(await RequestAsync(host, AgentId.Parse("writer"), "read", new { name = "q3.txt", store = "ledger" }));
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => RequestAsync(host, AgentId.Parse("outsider"), "read-shared", new { name = "q3.txt", store = "ledger" }));
        Assert.Contains("may not use the tenant's shared store 'ledger'", refused.Message, StringComparison.Ordinal);
        Assert.Contains("grants.stores", refused.Message, StringComparison.Ordinal);
        var beyond = await Assert.ThrowsAnyAsync<Exception>(() => RequestAsync(host, AgentId.Parse("writer"), "read-shared", new { name = "q3.txt", store = "payroll" }));
        Assert.Contains("'payroll'", beyond.Message, StringComparison.Ordinal);

        // Operators see the tenant's part under the catalog; the store itself and another tenant's part hold nothing of it.
        var catalog = host.Services.GetRequiredService<StorageCatalog>();
        Assert.NotNull(await catalog.ForTenant(Aos.Security.AosTenants.Default).Blobs("ledger").GetPropertiesAsync("q3.txt", Ct));
        Assert.Null(await catalog.ForTenant("acme").Blobs("ledger").GetPropertiesAsync("q3.txt", Ct));
        Assert.Null(await catalog.GetBlobStore("ledger").GetPropertiesAsync("q3.txt", Ct));

        // A grant given at run time applies from the agent's next call.
        await host.Registry.SetGrantsAsync(AgentId.Parse("outsider"), ledger, Aos.Security.AosTenants.Default, Ct);
        Assert.Equal("closed", await RequestAsync(host, AgentId.Parse("outsider"), "read-shared", new { name = "q3.txt", store = "ledger" }));
    }

    [Fact]
    public async Task Deregister_DeletesTheAgentsOwnStores_ButNotAnotherAgentsPart_NorItsTenantsSharedOnes()
    {
        using var data = new TempDirectory();
        await using var host = await StartAsync(data.Path);
        var ledger = new AgentGrants { Stores = ["ledger"] };
        await host.Registry.RegisterAsync(
            [new AgentRegistration { Id = Alice.Value, Type = StorageAgent.TypeName, Grants = ledger }, new AgentRegistration { Id = Bob.Value, Type = StorageAgent.TypeName }], Ct);
        await host.Client.SendAsync(Alice, Message(host, "note", new { name = "plan.txt", text = "ship it" }), Ct);
        await host.Client.SendAsync(Alice, Message(host, "note", new { name = "draft.txt", text = "maybe", store = "drafts" }), Ct);
        await host.Client.SendAsync(Alice, Message(host, "note", new { name = "plan2.txt", text = "again" }), Ct);
        await RequestAsync(host, Alice, "share", new { name = "q3.txt", text = "closed", store = "ledger" });
        await host.Client.SendAsync(Bob, Message(host, "note", new { name = "plan.txt", text = "bob's" }), Ct);
        var index = host.Services.GetRequiredService<Aos.Kernel.Agents.AgentStoreIndex>();
        Assert.Equal([(StoreKind.Blob, "drafts"), (StoreKind.Blob, "notes")], await index.ListAsync(Alice, Ct));

        await host.Registry.DeregisterAsync(Alice, Ct);

        var catalog = host.Services.GetRequiredService<StorageCatalog>();
        Assert.Null(await catalog.ForAgent(Alice).Blobs("notes").GetPropertiesAsync("plan.txt", Ct));
        Assert.Null(await catalog.ForAgent(Alice).Blobs("notes").GetPropertiesAsync("plan2.txt", Ct));
        Assert.Null(await catalog.ForAgent(Alice).Blobs("drafts").GetPropertiesAsync("draft.txt", Ct));
        Assert.Empty(await index.ListAsync(Alice, Ct));
        Assert.Equal("bob's", await ReadAsync(host, Bob, "plan.txt"));
        Assert.NotNull(await catalog.ForTenant(Aos.Security.AosTenants.Default).Blobs("ledger").GetPropertiesAsync("q3.txt", Ct));

        // An agent registered again with the id starts with nothing of the old one's.
        await host.Registry.RegisterAsync([new AgentRegistration { Id = Alice.Value, Type = StorageAgent.TypeName }], Ct);
        Assert.Null(await ReadAsync(host, Alice, "plan.txt"));
    }

    private static async Task<string?> RequestAsync(AosTestHost host, AgentId agent, string type, object payload, string tenant = Aos.Security.AosTenants.Default)
    {
        var reply = await host.Client.RequestAsync(agent, Message(host, type, payload) with { Tenant = tenant }, cancellationToken: Ct);
        return reply is { ValueKind: JsonValueKind.String } text ? text.GetString() : null;
    }

    private static Task<AosTestHost> StartAsync(string dataDirectory) =>
        AosTestHost.StartAsync(dataDirectory, configure: aos => aos.AddAgent<StorageAgent>());

    private static Aos.Messaging.Envelope Message(AosTestHost host, string type, object payload) =>
        host.Client.CreateMessage(type, JsonSerializer.SerializeToElement(payload, JsonSerializerOptions.Web));

    private static async Task<string?> ReadAsync(AosTestHost host, AgentId agent, string name)
    {
        var reply = await host.Client.RequestAsync(agent, Message(host, "read", new { name }), cancellationToken: Ct);
        return reply is { ValueKind: JsonValueKind.String } text ? text.GetString() : null;
    }
}
