// A complete AOS application: its own agent type, hosted with AddAos(), sent events, restarted, state kept.
// Run it twice: the greeting count goes on from where the first run left it.
using Aos;
using Aos.Agents;
using Aos.Hosting;
using Aos.Kernel.Registry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

var dataDirectory = args.Length > 0 ? args[0] : Path.Combine(Directory.GetCurrentDirectory(), ".aos-hello");

var builder = Host.CreateApplicationBuilder();
builder.Logging.SetMinimumLevel(LogLevel.Warning).AddFilter("Orleans", LogLevel.Error);
builder.AddAos(o => o.DataDirectory = dataDirectory).AddAgent<GreeterAgent>();
using var host = builder.Build();
await host.StartAsync();

var registry = host.Services.GetRequiredService<AgentRegistry>();
var client = host.Services.GetRequiredService<AgentClient>();
var id = AgentId.Parse("greeter-1");

try
{
    await registry.RegisterAsync(new AgentRegistration { Id = id.Value, Type = "greeter", Purpose = "Greets everyone who says hello." });
    Console.WriteLine("Registered greeter-1.");
}
catch (AgentConflictException)
{
    Console.WriteLine("greeter-1 is registered already: it kept its state from the last run.");
}

foreach (var name in new[] { "Ada", "Grace" })
{
    await client.SendAsync(id, client.CreateMessage("hello", System.Text.Json.JsonSerializer.SerializeToElement(new { name })));
}

var reply = await client.RequestAsync(id, client.CreateMessage("count", null));
Console.WriteLine($"greeter-1 has greeted {reply?.GetProperty("greeted").GetInt32()} people in all, the last one {reply?.GetProperty("last").GetString()}.");
await host.StopAsync();

/// <summary>Greets people and remembers how many it has greeted, across restarts.</summary>
[AgentType("greeter", Description = "Greets people and counts them.")]
internal sealed class GreeterAgent : Agent<GreeterState>
{
    public GreeterAgent()
    {
        On<Hello>("hello", (hello, _) =>
        {
            State.Greeted++;
            State.Last = hello.Name;
            Context.Store.Remember($"Greeted {hello.Name}");
            return ValueTask.CompletedTask;
        });
        OnRequest<object?, GreeterState>("count", (_, _) => ValueTask.FromResult(State));
    }
}

/// <summary>Holds what the greeter keeps.</summary>
internal sealed class GreeterState
{
    public int Greeted { get; set; }

    public string? Last { get; set; }
}

/// <summary>Says hello.</summary>
internal sealed record Hello(string Name);
