// The durable message bus in one file: a bookkeeper publishes ledger entries on topics; an auditor subscribed to
// "ledger.>" sees them all, a treasurer sees only large ones; a message to an agent that does not exist is dead-lettered
// with the reason and can be replayed once the agent exists. Run it twice: every count goes on from the last run.
using System.Text.Json;
using Aos;
using Aos.Agents;
using Aos.Hosting;
using Aos.Kernel.Messaging;
using Aos.Kernel.Registry;
using Aos.Messaging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

var dataDirectory = args.Length > 0 ? args[0] : Path.Combine(Directory.GetCurrentDirectory(), ".aos-bus");

var builder = Host.CreateApplicationBuilder();
builder.Logging.SetMinimumLevel(LogLevel.Warning).AddFilter("Orleans", LogLevel.Error).AddFilter("Aos.Kernel.Messaging", LogLevel.Critical);
builder.AddAos(o => o.DataDirectory = dataDirectory)
    .AddAgent<BookkeeperAgent>()
    .AddAgent<LedgerWatcherAgent>();
using var host = builder.Build();
await host.StartAsync();

var registry = host.Services.GetRequiredService<AgentRegistry>();
var bus = host.Services.GetRequiredService<MessageBus>();
var client = host.Services.GetRequiredService<AgentClient>();
// Agents touch nothing beyond themselves unless granted: the bookkeeper may publish ledger entries, nothing else.
await RegisterOnceAsync(new AgentRegistration { Id = "bookkeeper", Type = "bookkeeper", Grants = new AgentGrants { Topics = ["ledger.>"] } });
await RegisterOnceAsync(new AgentRegistration { Id = "auditor", Type = "ledger-watcher", Subscriptions = ["ledger.>"] });
await RegisterOnceAsync(new AgentRegistration { Id = "treasurer", Type = "ledger-watcher", Subscriptions = ["ledger.*.posted"], MessageTypes = ["ledger.large"] });

var auditorBefore = await SeenAsync("auditor");
var treasurerBefore = await SeenAsync("treasurer");

// Durable sends: each returns once the message is committed, before the bookkeeper has processed it.
foreach (var (amount, currency) in new[] { (120m, "eur"), (25_000m, "usd") })
{
    var receipt = await bus.SendAsync(new Envelope { Id = string.Empty, Type = "post", Source = "sample", Target = AgentId.Parse("bookkeeper"), Payload = Json(new { amount, currency }) });
    Console.WriteLine($"Accepted post of {amount} {currency.ToUpperInvariant()} as message {receipt.MessageId}.");
}

var auditor = await WaitForAsync("auditor", auditorBefore + 2);
var treasurer = await WaitForAsync("treasurer", treasurerBefore + 1);
Console.WriteLine($"The auditor has seen {auditor} ledger entries in all; the treasurer {treasurer} large one(s).");

// A message nobody can take is never dropped: it waits in the dead-letter queue with the reason.
var archivist = $"archivist-{auditor / 2}";
var lost = await bus.SendAsync(new Envelope { Id = string.Empty, Type = "note", Source = "sample", Target = AgentId.Parse(archivist) });
var dead = await WaitForStatusAsync(lost.MessageId, MessageStatus.DeadLettered);
Console.WriteLine($"Message {lost.MessageId} to '{archivist}' was dead-lettered: {dead.Reason}.");
await RegisterOnceAsync(new AgentRegistration { Id = archivist, Type = "ledger-watcher" });
await bus.ReplayAsync(lost.MessageId);
var replayed = await WaitForStatusAsync(lost.MessageId, MessageStatus.Delivered);
Console.WriteLine($"Replayed after registering '{archivist}': {replayed.Status.ToString().ToLowerInvariant()}.");
await host.StopAsync();

async Task RegisterOnceAsync(AgentRegistration registration)
{
    try
    {
        await registry.RegisterAsync(registration);
    }
    catch (AgentConflictException)
    {
        // Registered by an earlier run: it kept its subscriptions and state.
    }
}

async Task<int> SeenAsync(string watcher)
{
    var reply = await client.RequestAsync(AgentId.Parse(watcher), client.CreateMessage("seen", null));
    return reply!.Value.GetProperty("seen").GetInt32();
}

// The bus delivers in the background; the sample asks the watcher how many entries it has seen until it has them all.
async Task<int> WaitForAsync(string watcher, int expected)
{
    for (var i = 0; ; i++)
    {
        var seen = await SeenAsync(watcher);
        if (seen >= expected || i == 200)
        {
            return seen;
        }

        await Task.Delay(50);
    }
}

async Task<MessageRecord> WaitForStatusAsync(string messageId, MessageStatus status)
{
    for (var i = 0; ; i++)
    {
        var record = (await bus.GetAsync(messageId))[0];
        if (record.Status == status || i == 200)
        {
            return record;
        }

        await Task.Delay(50);
    }
}

static JsonElement Json(object value) => JsonSerializer.SerializeToElement(value, JsonSerializerOptions.Web);

/// <summary>Posts ledger entries: each "post" command becomes a published entry on <c>ledger.&lt;currency&gt;.posted</c>.</summary>
[AgentType("bookkeeper", Description = "Publishes a ledger entry for every post command.")]
internal sealed class BookkeeperAgent : Agent
{
    public BookkeeperAgent() => On<Post>("post", (post, cancellationToken) =>
        Context.PublishAsync($"ledger.{post.Currency}.posted", post.Amount >= 10_000 ? "ledger.large" : "ledger.entry", post, cancellationToken));
}

/// <summary>Counts the ledger entries it receives, across restarts.</summary>
[AgentType("ledger-watcher", Description = "Counts what it receives.")]
internal sealed class LedgerWatcherAgent : Agent<WatcherState>
{
    public LedgerWatcherAgent()
    {
        On<Post>("ledger.entry", (_, _) => Count());
        On<Post>("ledger.large", (_, _) => Count());
        On<JsonElement>("note", (_, _) => Count());
        OnRequest<JsonElement, WatcherState>("seen", (_, _) => ValueTask.FromResult(State));
    }

    private ValueTask Count()
    {
        State.Seen++;
        return ValueTask.CompletedTask;
    }
}

/// <summary>Holds what a watcher has seen.</summary>
internal sealed class WatcherState
{
    public int Seen { get; set; }
}

/// <summary>Posts an amount in a currency.</summary>
internal sealed record Post(decimal Amount, string Currency);
