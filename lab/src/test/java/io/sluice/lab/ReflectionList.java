package io.sluice.lab;

import java.util.ArrayList;
import java.util.List;
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
 * A generic gRPC client, used by {@link LbControlSystemTest}: asks a server through the standard
 * reflection service (grpc.reflection.v1) which services it offers, as {@code grpcurl HOST:PORT
 * list} would. It knows nothing of Sluice's API: what it returns comes from the server. Also a
 * program that prints one name per line.
 */
public final class ReflectionList
{
    private static final long ANSWER_TIMEOUT_S = 20;

    private ReflectionList()
    {
    }

    /**
     * @param args the target of a plaintext gRPC server: {@code HOST:PORT} or {@code unix:///PATH} of a socket.
     */
    public static void main(final String[] args)
    {
        try
        {
            list(args[0]).forEach(System.out::println);
            System.exit(0);
        }
        catch (final Exception ex)
        {
            System.err.println("reflection failed: " + ex);
            System.exit(1);
        }
    }

    /**
     * Asks a server for the services it offers.
     *
     * @param target the target of a plaintext gRPC server: {@code HOST:PORT} or {@code unix:///PATH} of a socket.
     * @return the names of its services, in the order it gave them.
     * @throws IllegalStateException when the server fails the call, gives no list or does not answer in time.
     * @throws InterruptedException  when interrupted while waiting for the answer.
     */
    public static List<String> list(final String target) throws InterruptedException
    {
        final ManagedChannel channel = Grpc.newChannelBuilder(target, InsecureChannelCredentials.create()).build();
        try
        {
            final CountDownLatch done = new CountDownLatch(1);
            final List<String> names = new ArrayList<>();
            final Throwable[] failure = {null};
            final StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(channel)
                .serverReflectionInfo(new StreamObserver<>()
                {
                    @Override
                    public void onNext(final ServerReflectionResponse response)
                    {
                        if (!response.hasListServicesResponse())
                        {
                            failure[0] = new IllegalStateException("no service list in the answer: " + response);
                        }
                        for (final ServiceResponse service : response.getListServicesResponse().getServiceList())
                        {
                            names.add(service.getName());
                        }
                    }

                    @Override
                    public void onError(final Throwable error)
                    {
                        failure[0] = error;
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
            if (!done.await(ANSWER_TIMEOUT_S, TimeUnit.SECONDS))
            {
                throw new IllegalStateException("no answer from " + target + " within " + ANSWER_TIMEOUT_S + " s");
            }
            if (failure[0] != null)
            {
                throw new IllegalStateException("reflection through " + target + " failed: " + failure[0], failure[0]);
            }
            return List.copyOf(names);
        }
        finally
        {
            channel.shutdownNow();
        }
    }
}
