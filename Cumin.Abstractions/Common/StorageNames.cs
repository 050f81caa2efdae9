namespace Cumin.Common;

/// <summary>Names shared by the grains and the hosts that wire providers to them.</summary>
public static class StorageNames
{
    /// <summary>The grain-storage provider (DynamoDB) every Cumin grain persists through.</summary>
    public const string Grains = "cumin";

    /// <summary>The stream provider (SQS) that carries export results to user grains.</summary>
    public const string Notifications = "notifications";

    /// <summary>Stream namespace of per-user notifications; the stream key is the user id.</summary>
    public const string UserNotificationsNamespace = "user-notifications";
}
