package io.sluice.lab;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;

/**
 * A generic gRPC client, run inside the LB's namespace by {@link LbControlSystemTest}: asks a
 * server through the standard reflection service (grpc.reflection.v1) which services it offers and
 * prints one name per line, as {@code grpcurl HOST:PORT list} would. It knows nothing of Sluice's
 * API: what it prints comes from the server.
 */
public final class ReflectionList
{
    private ReflectionList()
    {
    }

    /**
     * @param args the target of a plaintext gRPC server: {@code HOST:PORT} or {@code unix:///PATH} of a socket.
     * @throws InterruptedException when interrupted while waiting for the answer.
     */
    public static void main(final String[] args) throws InterruptedException
    {
        final ManagedChannel channel = Grpc.newChannelBuilder(args[0], InsecureChannelCredentials.create()).build();
        final CountDownLatch done = new CountDownLatch(1);
        final int[] exit = {1};
        final StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(channel)
            .serverReflectionInfo(new StreamObserver<>()
            {
                @Override
                public void onNext(final ServerReflectionResponse response)
                {
                    for (final ServiceResponse service : response.getListServicesResponse().getServiceList())
                    {
                        System.out.println(service.getName());
                    }
                    exit[0] = response.hasListServicesResponse() ? 0 : 1;
                }

                @Override
                public void onError(final Throwable error)
                {
                    System.err.println("reflection failed: " + error);
                    done.countDown();
                }

                @Override
                public void onCompleted()
                {
                    done.countDown();
                }
            });
        requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
        requests.onCompleted();
        final boolean answered = done.await(20, TimeUnit.SECONDS);
        channel.shutdownNow();
        System.exit(answered ? exit[0] : 2);
    }
}
