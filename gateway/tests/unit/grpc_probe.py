"""Run as a script by test_feed_grpc.py (a grpc client must not live in the eventlet-patched pytest process):
asks the feed's gRPC server what the tests check and prints one JSON object.

    python grpc_probe.py TARGET CA_FILE TOKEN PROJECT_ID
"""

import json
import sys

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

from gateway.feed import grpc_build


def code(call) -> str:
    try:
        call()
    except grpc.RpcError as error:
        return error.code().name
    return "OK"


def main(target: str, ca: str, token: str, project_id: str) -> None:
    pb2, pb2_grpc = grpc_build.load()
    chan = grpc.secure_channel(target, grpc.ssl_channel_credentials(root_certificates=open(ca, "rb").read()))
    auth = (("authorization", f"Bearer {token}"),)
    feed = pb2_grpc.FeedStub(chan)
    health = health_pb2_grpc.HealthStub(chan)
    statuses = {name or "(server)": health_pb2.HealthCheckResponse.ServingStatus.Name(
        health.Check(health_pb2.HealthCheckRequest(service=name), timeout=10).status)
        for name in ("", "itpm.feed.v1.Feed")}
    replies = reflection_pb2_grpc.ServerReflectionStub(chan).ServerReflectionInfo(
        iter([reflection_pb2.ServerReflectionRequest(list_services="")]), timeout=10)
    services = sorted(s.name for reply in replies for s in reply.list_services_response.service)

    def first_event(metadata):
        return lambda: next(iter(feed.Subscribe(pb2.SubscribeRequest(from_position=0), metadata=metadata,
                                                timeout=10)))

    project = feed.GetProject(pb2.GetProjectRequest(project_id=project_id), metadata=auth, timeout=10)
    listed = feed.ListProjects(pb2.ListProjectsRequest(), metadata=auth, timeout=10)
    plaintext = grpc.insecure_channel(target)
    print(json.dumps({
        "health": statuses,
        "services": services,
        "no_token": code(first_event(())),
        "bad_token": code(first_event((("authorization", "Bearer not-a-token"),))),
        "good_token": code(first_event(auth)),
        "bad_token_projects": code(lambda: feed.ListProjects(pb2.ListProjectsRequest(), timeout=10,
                                                             metadata=(("authorization", "Bearer x"),))),
        "unknown_project": code(lambda: feed.GetProject(pb2.GetProjectRequest(project_id="nope"), metadata=auth,
                                                        timeout=10)),
        "plaintext_client": code(lambda: pb2_grpc.FeedStub(plaintext).ListProjects(
            pb2.ListProjectsRequest(), metadata=auth, timeout=3)),
        "project": {f.name: v for f, v in project.ListFields()},
        "listed": [p.project_id for p in listed.projects],
    }, ensure_ascii=False))


if __name__ == "__main__":
    main(*sys.argv[1:])
