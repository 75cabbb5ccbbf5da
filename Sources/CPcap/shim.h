#ifndef TLSDIAG_CPCAP_SHIM_H
#define TLSDIAG_CPCAP_SHIM_H
#include <pcap/pcap.h>
#endif
