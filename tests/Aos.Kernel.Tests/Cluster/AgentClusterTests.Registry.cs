using Aos.Agents;
using Aos.Kernel.Registry;
using Aos.Kernel.Tests.TestAgents;
using Aos.Registry;

namespace Aos.Kernel.Tests.Cluster;

public abstract partial class AgentClusterTests
{
    [Fact]
    public async Task RegisterAsync_DuplicateId_ThrowsConflictAndChangesNothing()
    {
        var id = await RegisterAsync("echo", purpose: "original");

        var conflict = await Assert.ThrowsAsync<AgentConflictException>(() =>
            Registry.RegisterAsync(new AgentRegistration { Id = id.Value, Type = "purpose", Purpose = "replacement" }, Cancellation));

        Assert.Equal([id.Value], conflict.AgentIds);
        Assert.Contains(id.Value, conflict.Message, StringComparison.Ordinal);
        var stored = (await Registry.GetAsync(id, Cancellation)).Descriptor;
        Assert.Equal("echo", stored.Type);
        Assert.Equal("original", stored.Purpose);
    }

    [Fact]
    public async Task RegisterAsync_BatchWithOneDuplicate_RegistersNoneOfIt()
    {
        var existing = await RegisterAsync("echo");
        var fresh = NewId("echo");

        await Assert.ThrowsAsync<AgentConflictException>(() => Registry.RegisterAsync(
            [new AgentRegistration { Id = fresh, Type = "echo" }, new AgentRegistration { Id = existing.Value, Type = "echo" }],
            Cancellation));

        await Assert.ThrowsAsync<AgentNotFoundException>(() => Registry.GetAsync(AgentId.Parse(fresh), Cancellation));
    }

    [Fact]
    public async Task RegisterAsync_UnknownType_ThrowsValidationListingKnownTypes()
    {
        var id = NewId("nope");

        var error = await Assert.ThrowsAsync<AosValidationException>(() =>
            Registry.RegisterAsync(new AgentRegistration { Id = id, Type = "no-such-type" }, Cancellation));

        Assert.Equal("type", error.Field);
        Assert.Contains("'no-such-type'", error.Message, StringComparison.Ordinal);
        Assert.Contains("Known types: chat, echo, purpose, test-bus, test-counter.", error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<AgentNotFoundException>(() => Registry.GetAsync(AgentId.Parse(id), Cancellation));
    }

    [Fact]
    public async Task RegisterAsync_InvalidId_ThrowsValidationSayingWhy()
    {
        var error = await Assert.ThrowsAsync<AosValidationException>(() =>
            Registry.RegisterAsync(new AgentRegistration { Id = "no spaces", Type = "echo" }, Cancellation));

        Assert.Equal("id", error.Field);
        Assert.Contains("contains ' '", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListAsync_Filters_MatchTypeCapabilityAndStatusAndPageById()
    {
        var capability = NewId("cap");
        string[] capabilities = [capability];
        var echoes = new List<AgentId>();
        var purposes = new List<AgentId>();
        for (var i = 0; i < 3; i++)
        {
            echoes.Add(await RegisterAsync("echo", capabilities: capabilities));
        }

        for (var i = 0; i < 2; i++)
        {
            purposes.Add(await RegisterAsync("purpose", capabilities: capabilities));
        }

        await RegisterAsync("echo", capabilities: [NewId("other-cap")]);
        await SendAsync(echoes[0], "wake");

        var byType = await Registry.ListAsync(new AgentQuery { Type = "echo", Capability = capability }, Cancellation);
        var active = await Registry.ListAsync(new AgentQuery { Capability = capability, Status = AgentStatus.Active }, Cancellation);
        var sleeping = await Registry.ListAsync(new AgentQuery { Capability = capability, Status = AgentStatus.Sleeping }, Cancellation);

        Assert.Equal(Ordered(echoes), Ids(byType));
        Assert.Equal([echoes[0]], Ids(active));
        Assert.Equal(Ordered([.. echoes.Skip(1), .. purposes]), Ids(sleeping));

        var all = Ordered([.. echoes, .. purposes]);
        var pages = new List<IReadOnlyList<AgentId>>();
        string? after = null;
        do
        {
            var page = await Registry.ListAsync(new AgentQuery { Capability = capability, Limit = 2, After = after }, Cancellation);
            pages.Add(Ids(page));
            after = page.Next;
        }
        while (after is not null);

        Assert.Equal([2, 2, 1], pages.Select(p => p.Count));
        Assert.Equal(all, pages.SelectMany(p => p));
    }

    [Fact]
    public async Task ListAsync_LimitOutOfRange_ThrowsValidation()
    {
        var error = await Assert.ThrowsAsync<AosValidationException>(() => Registry.ListAsync(new AgentQuery { Limit = 0 }, Cancellation));

        Assert.Equal("limit", error.Field);
    }

    [Fact]
    public async Task FindByCapabilityAsync_ReturnsOnlyAgentsWithIt()
    {
        var capability = NewId("invoices");
        var clerk = await RegisterAsync(CounterAgent.TypeName, capabilities: [capability, "general"]);
        var auditor = await RegisterAsync("purpose", capabilities: ["general", capability]);
        await RegisterAsync("echo", capabilities: ["general"]);

        var found = await Registry.FindByCapabilityAsync(capability, cancellationToken: Cancellation);

        Assert.Equal(Ordered([clerk, auditor]), found.Select(r => r.Descriptor.Id));
        Assert.All(found, r => Assert.Contains(capability, r.Descriptor.Capabilities));
    }

    private static List<AgentId> Ordered(IEnumerable<AgentId> ids) => [.. ids.OrderBy(id => id.Value, StringComparer.Ordinal)];

    private static List<AgentId> Ids(AgentPage page) => [.. page.Items.Select(r => r.Descriptor.Id)];
}
