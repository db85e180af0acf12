using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.Registry;
using Polly.Timeout;

namespace Aos.Reliability;

/// <summary>Hands out the resilience pipeline of each outbound dependency (retry, circuit breaker, per-attempt timeout) and runs calls through it.</summary>
/// <remarks>
/// <para>
/// A dependency is named by kind and instance: <c>storage:postgres</c>, <c>storage:azure-blob</c>, <c>transport:nats</c>,
/// <c>model:{name}</c>, <c>mcp:{name}</c>. Its pipeline is built once, from <see cref="ReliabilityOptions.For"/>, and kept in a Polly
/// <see cref="ResiliencePipelineRegistry{TKey}"/>: every caller of one dependency shares its circuit breaker. The strategies, outermost
/// first: retry of transient failures, circuit breaker, timeout of each attempt. Delays and breaks run on the injected <see cref="TimeProvider"/>.
/// </para>
/// <para>
/// <see cref="ExecuteAsync{TResult, TState}"/> turns an open circuit and a timeout that outlasted the retries into
/// <see cref="DependencyUnavailableException"/>, naming the dependency and when to retry; other errors pass through. Thread-safe.
/// </para>
/// </remarks>
public sealed partial class DependencyPipelines : IDisposable
{
    // Set on the context of a call whose client times its attempts out itself: the timeout strategy then starts no timer.
    private static readonly ResiliencePropertyKey<bool> TimedByClient = new("aos.timed-by-client");

    private readonly ResiliencePipelineRegistry<string> _registry = new();
    private readonly ConcurrentDictionary<string, CircuitBreakerStateProvider> _circuits = new(StringComparer.OrdinalIgnoreCase);
    private readonly IOptionsMonitor<ReliabilityOptions> _options;
    private readonly IErrorClassifier[] _classifiers;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    /// <summary>Initializes a new instance of the <see cref="DependencyPipelines"/> class.</summary>
    /// <param name="options">The options of each dependency.</param>
    /// <param name="classifiers">The error classifiers, the last registered asked first; the <see cref="DefaultErrorClassifier"/> is asked after them.</param>
    /// <param name="timeProvider">The clock of delays, timeouts and breaks.</param>
    /// <param name="logger">The logger of retries and circuit changes; <see langword="null"/> for none.</param>
    public DependencyPipelines(IOptionsMonitor<ReliabilityOptions> options, IEnumerable<IErrorClassifier> classifiers, TimeProvider timeProvider, ILogger<DependencyPipelines>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(classifiers);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _options = options;
        _classifiers = [.. classifiers.Reverse().Where(c => c is not DefaultErrorClassifier), DefaultErrorClassifier.Instance];
        _timeProvider = timeProvider;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>Gets or sets the source of jitter, a number in [0, 1); tests fix it.</summary>
    internal Func<double> Random { get; set; } = System.Random.Shared.NextDouble;

    /// <summary>Creates pipelines on the default options, for a component used without dependency injection.</summary>
    /// <param name="timeProvider">The clock of delays, timeouts and breaks; <see langword="null"/> for the system clock.</param>
    /// <param name="configure">Changes the options; <see langword="null"/> for the defaults.</param>
    /// <param name="classifiers">Error classifiers asked before the default one.</param>
    /// <returns>The pipelines.</returns>
    public static DependencyPipelines Create(TimeProvider? timeProvider = null, Action<ReliabilityOptions>? configure = null, params IErrorClassifier[] classifiers)
    {
        var options = new ReliabilityOptions();
        configure?.Invoke(options);
        return new DependencyPipelines(new FixedOptionsMonitor(options), classifiers, timeProvider ?? TimeProvider.System);
    }

    /// <summary>Classifies a failure of a dependency with the registered classifiers; an error none knows is permanent.</summary>
    /// <param name="exception">The failure.</param>
    /// <param name="dependency">The dependency.</param>
    /// <returns>The class.</returns>
    public ErrorClass Classify(Exception exception, string dependency)
    {
        ArgumentNullException.ThrowIfNull(exception);
        foreach (var classifier in _classifiers)
        {
            if (classifier.Classify(exception, dependency) is { } errorClass)
            {
                return errorClass;
            }
        }

        return ErrorClass.Permanent;
    }

    /// <summary>Gets how long a failed dependency asked to wait before the next try, from the first registered classifier that knows.</summary>
    /// <param name="exception">The failure.</param>
    /// <param name="dependency">The dependency.</param>
    /// <returns>The wait, or <see langword="null"/> when the failure names none.</returns>
    public TimeSpan? GetRetryAfter(Exception exception, string dependency)
    {
        ArgumentNullException.ThrowIfNull(exception);
        foreach (var classifier in _classifiers)
        {
            if (classifier.GetRetryAfter(exception, dependency) is { } wait && wait >= TimeSpan.Zero)
            {
                return wait;
            }
        }

        return null;
    }

    /// <summary>Gets the pipeline of a dependency, building it on first use.</summary>
    /// <param name="dependency">The dependency's name, such as <c>storage:postgres</c>.</param>
    /// <returns>The pipeline, shared by every caller of the dependency.</returns>
    public ResiliencePipeline GetPipeline(string dependency)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dependency);
        return _registry.GetOrAddPipeline(dependency, (builder, context) => Configure(builder, context.PipelineKey));
    }

    /// <summary>Gets the state of a dependency's circuit.</summary>
    /// <param name="dependency">The dependency's name.</param>
    /// <returns>The state; <see cref="CircuitState.Closed"/> for a dependency not called yet or without a breaker.</returns>
    public CircuitState GetCircuitState(string dependency) =>
        _circuits.TryGetValue(dependency, out var circuit) ? circuit.CircuitState : CircuitState.Closed;

    /// <summary>Runs a call to a dependency through its pipeline.</summary>
    /// <typeparam name="TResult">The call's result.</typeparam>
    /// <typeparam name="TState">The state the call needs, passed to avoid a closure.</typeparam>
    /// <param name="dependency">The dependency's name.</param>
    /// <param name="callback">The call; it may run several times.</param>
    /// <param name="state">The state.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The call's result.</returns>
    /// <exception cref="DependencyUnavailableException">The circuit is open, or every attempt timed out.</exception>
    public async ValueTask<TResult> ExecuteAsync<TResult, TState>(string dependency, Func<TState, CancellationToken, ValueTask<TResult>> callback, TState state, CancellationToken cancellationToken = default)
    {
        var pipeline = GetPipeline(dependency);
        try
        {
            var result = await pipeline.ExecuteAsync(static (s, token) => AsObjectAsync(s.Callback(s.State, token)), (Callback: callback, State: state), cancellationToken).ConfigureAwait(false);
            return (TResult)result!;
        }
        catch (BrokenCircuitException e)
        {
            throw CircuitOpen(dependency, e);
        }
        catch (TimeoutRejectedException e)
        {
            throw TimedOut(dependency, e);
        }
    }

    /// <summary>Runs a call to a dependency through its pipeline.</summary>
    /// <typeparam name="TResult">The call's result.</typeparam>
    /// <param name="dependency">The dependency's name.</param>
    /// <param name="callback">The call; it may run several times.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The call's result.</returns>
    /// <exception cref="DependencyUnavailableException">The circuit is open, or every attempt timed out.</exception>
    public ValueTask<TResult> ExecuteAsync<TResult>(string dependency, Func<CancellationToken, ValueTask<TResult>> callback, CancellationToken cancellationToken = default) =>
        ExecuteAsync(dependency, static (c, token) => c(token), callback, cancellationToken);

    /// <summary>Runs a call to a dependency through its pipeline; when the dependency stays unavailable, the error names what was called and how to fix it.</summary>
    /// <typeparam name="TResult">The call's result.</typeparam>
    /// <param name="dependency">The dependency's name.</param>
    /// <param name="callback">The call; it may run several times, so it must be safe to repeat.</param>
    /// <param name="target">What the call reaches, for the error, such as <c>NATS at nats://host:4222</c>.</param>
    /// <param name="remedy">What to check, one or more sentences, such as which setting holds the address.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The call's result.</returns>
    /// <exception cref="DependencyUnavailableException">The circuit is open, or the last attempt failed transiently or timed out.</exception>
    public ValueTask<TResult> ExecuteAsync<TResult>(
        string dependency, Func<CancellationToken, ValueTask<TResult>> callback, string target, string remedy, CancellationToken cancellationToken = default) =>
        ExecuteCoreAsync(dependency, callback, target, remedy, clientTimeout: false, cancellationToken);

    /// <summary>
    /// Runs a call whose client bounds each attempt itself, with a timeout set from the dependency's <see cref="DependencyOptions.AttemptTimeout"/>
    /// (see <see cref="GetOptions"/>): the pipeline retries and breaks as for any call, and starts no timer of its own.
    /// </summary>
    /// <remarks>
    /// For calls made many times a second to a client that times its requests out anyway (NATS.Net's request timeout): the pipeline's timeout
    /// costs a timer and a linked token per call. The client's timeout error must be classified as transient to be retried.
    /// </remarks>
    /// <typeparam name="TResult">The call's result.</typeparam>
    /// <param name="dependency">The dependency's name.</param>
    /// <param name="callback">The call; it may run several times, so it must be safe to repeat.</param>
    /// <param name="target">What the call reaches, for the error, such as <c>NATS at nats://host:4222</c>.</param>
    /// <param name="remedy">What to check, one or more sentences, such as which setting holds the address.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The call's result.</returns>
    /// <exception cref="DependencyUnavailableException">The circuit is open, or the last attempt failed transiently.</exception>
    public ValueTask<TResult> ExecuteTimedByClientAsync<TResult>(
        string dependency, Func<CancellationToken, ValueTask<TResult>> callback, string target, string remedy, CancellationToken cancellationToken = default) =>
        ExecuteCoreAsync(dependency, callback, target, remedy, clientTimeout: true, cancellationToken);

    /// <summary>Gets the options a dependency's pipeline is built from.</summary>
    /// <param name="dependency">The dependency's name.</param>
    /// <returns>Its options, or the defaults when it has none of its own.</returns>
    public DependencyOptions GetOptions(string dependency)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dependency);
        return _options.CurrentValue.For(dependency);
    }

    private async ValueTask<TResult> ExecuteCoreAsync<TResult>(
        string dependency, Func<CancellationToken, ValueTask<TResult>> callback, string target, string remedy, bool clientTimeout, CancellationToken cancellationToken)
    {
        var pipeline = GetPipeline(dependency);
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        if (clientTimeout)
        {
            context.Properties.Set(TimedByClient, true);
        }

        try
        {
            var result = await pipeline.ExecuteAsync(static (context, c) => AsObjectAsync(c(context.CancellationToken)), context, callback).ConfigureAwait(false);
            return (TResult)result!;
        }
        catch (BrokenCircuitException e)
        {
            var refusal = CircuitOpen(dependency, e);
            throw new DependencyUnavailableException(
                $"{target} is not being called for now: the circuit breaker of {dependency} opened after repeated transient failures. {remedy} "
                + $"Retry after {Seconds(refusal.RetryAfter)} s.",
                e)
            { Dependency = dependency, RetryAfter = refusal.RetryAfter, CircuitOpen = true };
        }
        catch (Exception e) when (e is TimeoutRejectedException || (!cancellationToken.IsCancellationRequested && Classify(e, dependency) == ErrorClass.Transient))
        {
            throw new DependencyUnavailableException(
                $"{target} could not be reached or did not answer after retries ({e.Message.TrimEnd('.')}; dependency {dependency}). {remedy} "
                + $"Retries are set at {ReliabilityOptions.SectionName}:Dependencies:{dependency}.",
                e)
            { Dependency = dependency };
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>Creates the refusal of a call whose circuit is open: it names the dependency and when to retry.</summary>
    /// <param name="dependency">The dependency.</param>
    /// <param name="exception">Polly's refusal.</param>
    /// <returns>The exception to throw.</returns>
    public DependencyUnavailableException CircuitOpen(string dependency, BrokenCircuitException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var retryAfter = exception.RetryAfter ?? _options.CurrentValue.For(dependency).CircuitBreaker.BreakDuration;
        return new DependencyUnavailableException(
            $"Calls to '{dependency}' are refused for now: its circuit breaker opened after repeated transient failures. Retry after {Seconds(retryAfter)} s; "
            + $"check that '{dependency}' runs and answers (the node's log has the failures).",
            exception)
        { Dependency = dependency, RetryAfter = retryAfter, CircuitOpen = true };
    }

    /// <summary>Releases the pipelines.</summary>
    public void Dispose() => _registry.Dispose();

    /// <summary>Runs a call as one returning <see cref="object"/>, the result type of the pipeline's strategies.</summary>
    /// <remarks>
    /// A call of any other result type goes through a bridge in front of each of those strategies (retry, circuit breaker), which wraps it
    /// in two more async steps per strategy; one conversion here (and boxing a value-type result) costs less.
    /// </remarks>
    private static async ValueTask<object?> AsObjectAsync<TResult>(ValueTask<TResult> call) => await call.ConfigureAwait(false);

    private static string Seconds(TimeSpan value) => Math.Ceiling(value.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private DependencyUnavailableException TimedOut(string dependency, TimeoutRejectedException exception)
    {
        var options = _options.CurrentValue.For(dependency);
        return new DependencyUnavailableException(
            $"'{dependency}' did not answer within {options.AttemptTimeout} on any of {options.Retry.MaxRetryAttempts + 1} tries. Check that it runs and is not overloaded, "
            + $"or raise {ReliabilityOptions.SectionName}:Dependencies:{dependency}:AttemptTimeout.",
            exception)
        { Dependency = dependency, RetryAfter = options.Retry.BaseDelay };
    }
}
