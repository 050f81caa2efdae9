namespace Cumin.Primitives;

/// <summary>The grain-storage name shared by the grains and the silo that registers the provider under it.</summary>
public static class StorageNames
{
    /// <summary>The grain-storage provider (DynamoDB) every Cumin grain persists through.</summary>
    public const string Grains = "cumin";
}
