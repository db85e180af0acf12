using System.Net.Sockets;
using System.Net;
using Aos.Messaging;
using Aos.Nats.Messaging;
using Aos.Reliability;
using Aos.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NATS.Client.Core;
using NATS.Client.JetStream.Models;
using NATS.Client.JetStream;

namespace Aos.Nats.Tests.Resilience;

/// <summary>Checks the transport:nats pipeline of a transport registered with the reliability service: bounded retries, the open circuit, permanent errors tried once.</summary>
public sealed class NatsMessageTransportResilienceTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Enqueue_ServerThatDropsEveryConnection_IsTriedThreeTimes_ThenUnavailableNamingTheDependency()
    {
        using var server = new DroppingServer();
        var (services, transport, log) = Build(server.Url, maxRetryAttempts: 2, minimumThroughput: 100);
        await using var _ = services;

        var error = await Assert.ThrowsAsync<DependencyUnavailableException>(async () => await transport.EnqueueAsync([Message("m1")], cancellationToken: Ct));

        Assert.Equal(3, server.Connections);
        Assert.Equal(2, log.Retries);
        Assert.Equal(NatsMessageTransport.Dependency, error.Dependency);
        Assert.False(error.CircuitOpen);
        Assert.Contains("transport:nats", error.Message);
        Assert.Contains(server.Url, error.Message);
        Assert.Contains("Aos:Reliability:Dependencies:transport:nats", error.Message);
    }

    [Fact]
    public async Task Receive_ClosedPort_IsRetried_ThenUnavailableNamingTheDependency()
    {
        var (services, transport, log) = Build("nats://127.0.0.1:1", maxRetryAttempts: 1, minimumThroughput: 100);
        await using var _ = services;

        var error = await Assert.ThrowsAsync<DependencyUnavailableException>(async () => await transport.ReceiveAsync(1, Ct));

        Assert.Equal(1, log.Retries);
        Assert.Equal(NatsMessageTransport.Dependency, error.Dependency);
        Assert.Contains("nats://127.0.0.1:1", error.Message);
    }

    [Fact]
    public async Task Enqueue_AfterTheCircuitOpened_FailsFastWithoutConnecting()
    {
        using var server = new DroppingServer();
        var (services, transport, _) = Build(server.Url, maxRetryAttempts: 2, minimumThroughput: 3);
        await using var __ = services;
        await Assert.ThrowsAsync<DependencyUnavailableException>(async () => await transport.EnqueueAsync([Message("m1")], cancellationToken: Ct));
        Assert.Equal(3, server.Connections);

        var refused = await Assert.ThrowsAsync<DependencyUnavailableException>(async () => await transport.ReceiveAsync(1, Ct));

        Assert.Equal(3, server.Connections);
        Assert.True(refused.CircuitOpen);
        Assert.InRange(refused.RetryAfter, TimeSpan.FromSeconds(50), TimeSpan.FromMinutes(1));
        Assert.Contains("circuit breaker of transport:nats", refused.Message);
        Assert.Equal(Polly.CircuitBreaker.CircuitState.Open, services.GetRequiredService<DependencyPipelines>().GetCircuitState(NatsMessageTransport.Dependency));
    }

    [Fact]
    public async Task Enqueue_PermanentJetStreamApiError_IsNotRetried()
    {
        await TestNats.RequireAsync();
        var prefix = "AOSTEST_" + Guid.NewGuid().ToString("N")[..12];
        var squatter = prefix + "_SQUATTER";
        await using (var connection = new NatsConnection(NatsOpts.Default with { Url = TestNats.Url }))
        {
            // Another stream holds the subjects of the transport's bucket, so creating the bucket fails with 400 (subjects overlap).
            await new NatsJSContext(connection).CreateStreamAsync(new StreamConfig(squatter, [$"$KV.{prefix}_LEDGER.>"]), Ct);
        }

        try
        {
            var (services, transport, log) = Build(TestNats.Url, maxRetryAttempts: 3, minimumThroughput: 100, prefix);
            await using var _ = services;

            var error = await Assert.ThrowsAsync<NatsJSApiException>(async () => await transport.EnqueueAsync([Message("m1")], cancellationToken: Ct));

            Assert.Equal(400, error.Error.Code);
            Assert.Equal(0, log.Retries);
        }
        finally
        {
            await TestNats.DeleteAsync([squatter], [prefix + "_LEDGER"]);
            await TestNats.DeleteAsync([prefix + "_MESSAGES"], [prefix + "_LEDGER"]);
        }
    }

    [Fact]
    public async Task Transport_RegisteredWithTheReliabilityService_DeliversThroughItsPipeline()
    {
        await TestNats.RequireAsync();
        var prefix = "AOSTEST_" + Guid.NewGuid().ToString("N")[..12];
        try
        {
            var (services, transport, log) = Build(TestNats.Url, maxRetryAttempts: 3, minimumThroughput: 100, prefix);
            await using var _ = services;

            Assert.Equal([EnqueueOutcome.Accepted], await transport.EnqueueAsync([Message("m1")], cancellationToken: Ct));
            var received = Assert.Single(await transport.ReceiveAsync(1, Ct));
            await transport.CompleteAsync(received, Ct);

            Assert.Equal(MessageStatus.Delivered, Assert.Single(await transport.GetAsync("m1", Ct)).Status);
            Assert.Equal(0, log.Retries);
        }
        finally
        {
            await TestNats.DeleteAsync([prefix + "_MESSAGES"], [prefix + "_LEDGER"]);
        }
    }

    [Fact]
    public async Task EachRequest_IsBoundedByTheClient_OnTheDependencysAttemptTimeout()
    {
        var (services, transport, _) = Build("nats://127.0.0.1:1", maxRetryAttempts: 1, minimumThroughput: 100);
        await using var _ = services;
        await using var own = new NatsMessageTransport(new NatsMessageTransportOptions(), new MessageBusOptions(), TimeProvider.System);
        using var none = DependencyPipelines.Create(configure: o => o.Defaults.AttemptTimeout = TimeSpan.Zero);
        await using var unbounded = new NatsMessageTransport(new NatsMessageTransportOptions(), new MessageBusOptions(), TimeProvider.System, pipelines: none);

        Assert.Equal(TimeSpan.FromSeconds(10), transport.RequestTimeout);
        Assert.Equal(new DependencyOptions().AttemptTimeout, own.RequestTimeout);
        Assert.Equal(NatsOpts.Default.RequestTimeout, unbounded.RequestTimeout);
    }

    private static (ServiceProvider Services, NatsMessageTransport Transport, RetryLog Log) Build(string url, int maxRetryAttempts, int minimumThroughput, string prefix = "AOSTEST_DOWN")
    {
        var log = new RetryLog();
        var services = new ServiceCollection();
        services.AddSingleton<ILogger<DependencyPipelines>>(log);
        services.AddAosReliability();
        services.Configure<ReliabilityOptions>(o => o.SetDependency(NatsMessageTransport.Dependency, new DependencyOptions
        {
            Retry = { MaxRetryAttempts = maxRetryAttempts, BaseDelay = TimeSpan.FromMilliseconds(1), UseJitter = false },
            CircuitBreaker = { MinimumThroughput = minimumThroughput, BreakDuration = TimeSpan.FromMinutes(1) },
            AttemptTimeout = TimeSpan.FromSeconds(10),
        }));
        services.AddAosNatsTransport(o =>
        {
            o.Url = url;
            o.StreamPrefix = prefix;
        });
        var provider = services.BuildServiceProvider();
        return (provider, provider.GetRequiredService<NatsMessageTransport>(), log);
    }

    private static TransportMessage Message(string id) =>
        new(new Envelope { Id = id, Type = "test", Source = "s" }, AgentId.Parse("r1"), "s->r1");

    /// <summary>Counts the retries the pipelines log.</summary>
    private sealed class RetryLog : ILogger<DependencyPipelines>
    {
        private int _retries;

        public int Retries => Volatile.Read(ref _retries);

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (eventId.Id == 1)
            {
                Interlocked.Increment(ref _retries);
            }
        }
    }

    /// <summary>A TCP server on a loopback port that accepts each connection and closes it at once, counting them: a NATS server that is down.</summary>
    private sealed class DroppingServer : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private int _connections;

        public DroppingServer()
        {
            _listener.Start();
            Url = $"nats://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";
            _ = AcceptAsync();
        }

        public string Url { get; }

        public int Connections => Volatile.Read(ref _connections);

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
            _stop.Dispose();
        }

        private async Task AcceptAsync()
        {
            try
            {
                while (true)
                {
                    using var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                    Interlocked.Increment(ref _connections);
                }
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
            }
        }
    }
}
