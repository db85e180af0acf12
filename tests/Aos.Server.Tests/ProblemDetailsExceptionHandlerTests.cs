using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace Aos.Server.Tests;

public sealed class ProblemDetailsExceptionHandlerTests
{
    [Fact]
    public async Task SiloUnavailable_Returns503AndLogsAWarning()
    {
        var (status, logs) = await HandleAsync(new SiloUnavailableException("Silo S127.0.0.1:11111:1 is dead."));

        Assert.Equal(StatusCodes.Status503ServiceUnavailable, status);
        Assert.Contains(logs, l => l.Level == LogLevel.Warning && l.Message.Contains("/v1/agents/a/requests", StringComparison.Ordinal));
    }

    [Fact]
    public async Task UnexpectedException_Returns500AndLogsItWithTheException()
    {
        var (status, logs) = await HandleAsync(new InvalidOperationException("boom"));

        Assert.Equal(StatusCodes.Status500InternalServerError, status);
        Assert.Contains(logs, l => l.Level == LogLevel.Error && l.Exception is InvalidOperationException { Message: "boom" });
    }

    private static async Task<(int Status, List<(LogLevel Level, string Message, Exception? Exception)> Logs)> HandleAsync(Exception exception)
    {
        var logs = new List<(LogLevel, string, Exception?)>();
        var services = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider();
        await using (services)
        {
            var handler = new ProblemDetailsExceptionHandler(services.GetRequiredService<IProblemDetailsService>(), new ListLogger(logs));
            var context = new DefaultHttpContext { RequestServices = services };
            context.Request.Method = "POST";
            context.Request.Path = "/v1/agents/a/requests";
            context.Response.Body = new MemoryStream();
            Assert.True(await handler.TryHandleAsync(context, exception, TestContext.Current.CancellationToken));
            return (context.Response.StatusCode, logs);
        }
    }

    private sealed class ListLogger(List<(LogLevel, string, Exception?)> logs) : ILogger<ProblemDetailsExceptionHandler>
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            logs.Add((logLevel, formatter(state, exception), exception));
    }
}
