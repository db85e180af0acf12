using System.Text.Json;
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
