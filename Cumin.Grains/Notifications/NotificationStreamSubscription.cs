using Cumin.Notifications;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Streams;

namespace Cumin.Grains.Notifications;

internal static class NotificationStreamSubscription
{
    /// <summary>
    /// Subscribes <paramref name="onNext"/> to the grain's own stream <paramref name="streamNamespace"/>/<paramref name="key"/>
    /// on the notifications provider (SQS), as an activation starts. Hosts without that provider (grain tests of other
    /// features) subscribe nothing, so those grains simply get no messages.
    /// </summary>
    public static async Task SubscribeToNotificationsAsync<T>(
        this IServiceProvider services, string streamNamespace, string key, Func<T, StreamSequenceToken?, Task> onNext)
    {
        if (services.GetKeyedService<IStreamProvider>(NotificationStreams.Provider) is { } provider)
        {
            await provider.GetStream<T>(StreamId.Create(streamNamespace, key)).SubscribeAsync(onNext);
        }
    }
}
