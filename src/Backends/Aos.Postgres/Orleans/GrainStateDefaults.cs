namespace Aos.Postgres.Orleans;

/// <summary>Creates the state a grain starts with when nothing is stored, the way Orleans does.</summary>
/// <typeparam name="T">The state type.</typeparam>
internal static class GrainStateDefaults<T>
{
    private static readonly bool HasDefaultConstructor = typeof(T).IsValueType || typeof(T).GetConstructor(Type.EmptyTypes) is not null;

    public static T Create() => HasDefaultConstructor ? Activator.CreateInstance<T>() : default!;
}
