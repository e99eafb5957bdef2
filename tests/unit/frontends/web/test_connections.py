"""Reading the kernel's TCP table: addresses as the kernel prints them."""

import socket

from parlour.frontends.web.connections import _address, open_peers, peer_of


def test_ipv4_and_ipv6_addresses_are_decoded() -> None:
    assert _address("0100007F:1F90") == ("127.0.0.1", 8080)
    assert _address("00000000000000000000000001000000:0050") == ("::1", 80)
    # An IPv4 client of a dual-stack socket: ::ffff:127.0.0.1
    assert _address("0000000000000000FFFF00000100007F:A1B2") == ("127.0.0.1", 0xA1B2)


def test_a_request_client_is_named_as_the_kernel_names_it() -> None:
    assert peer_of(("::ffff:10.0.0.2", 5000)) == ("10.0.0.2", 5000)
    assert peer_of(("127.0.0.1", 1)) == ("127.0.0.1", 1)
    assert peer_of(None) == ("", 0)


def test_this_process_own_connection_is_listed() -> None:
    with socket.create_server(("127.0.0.1", 0)) as server:
        client = socket.create_connection(server.getsockname())
        accepted, _ = server.accept()
        try:
            peers = open_peers()
            assert peers is not None and client.getsockname() in peers
        finally:
            accepted.close()
            client.close()
