namespace Cumin.Primitives;

/// <summary>
/// String-keyed grain references without Orleans' per-call reflection. <c>IGrainFactory.GetGrain&lt;T&gt;(string)</c>
/// resolves the interface's <see cref="GrainInterfaceType"/> by reading its custom attributes on every call (7% of the
/// API's CPU on a task read, measured with perf); here the grain and interface types are resolved once per interface,
/// through that same call, and every later reference is built from them.
/// </summary>
public static class GrainReferences
{
    public static T Of<T>(this IGrainFactory grains, string key)
        where T : IGrainWithStringKey
    {
        if (Resolved<T>.Types is { } types)
        {
            return (T)grains.GetGrain(GrainId.Create(types.Grain, key), types.Interface);
        }

        var reference = grains.GetGrain<T>(key);
        var resolved = (GrainReference)(object)reference;
        Resolved<T>.Types = (resolved.GrainId.Type, resolved.InterfaceType);
        return reference;
    }

    private static class Resolved<T>
    {
        public static (GrainType Grain, GrainInterfaceType Interface)? Types;
    }
}
