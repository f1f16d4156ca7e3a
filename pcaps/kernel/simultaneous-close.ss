# ss -tanoH snapshots of simultaneous-close: "@ CHECKPOINT SIDE START_US END_US MS LABEL", then what ss printed
@ 1 client 1795269838941118 1795269838959191 100 SYN on its way to the tap
SYN-SENT 0      1      192.0.2.1:48046 192.0.2.2:8080 timer:(on,884ms,0)
@ 1 server 1795269838959191 1795269838975459 100 SYN on its way to the tap
LISTEN 0      512    192.0.2.2:8080 0.0.0.0:*
@ 2 client 1795269839136906 1795269839164296 300 SYN delivered, SYN+ACK on its way
SYN-SENT 0      1      192.0.2.1:48046 192.0.2.2:8080 timer:(on,688ms,0)
@ 2 server 1795269839164296 1795269839179143 300 SYN delivered, SYN+ACK on its way
LISTEN   0      512    192.0.2.2:8080   0.0.0.0:*    
SYN-RECV 0      0      192.0.2.2:8080 192.0.2.1:48046 timer:(on,872ms,0)
@ 3 client 1795269839362372 1795269839381009 500 SYN+ACK delivered, the handshake's ACK on its way
ESTAB 0      100    192.0.2.1:48046 192.0.2.2:8080 timer:(on,876ms,0)
@ 3 server 1795269839381009 1795269839391083 500 SYN+ACK delivered, the handshake's ACK on its way
LISTEN   0      512    192.0.2.2:8080   0.0.0.0:*    
SYN-RECV 0      0      192.0.2.2:8080 192.0.2.1:48046 timer:(on,656ms,0)
@ 4 client 1795269839839150 1795269839848305 1000 established, data exchanged
ESTAB 0      0      192.0.2.1:48046 192.0.2.2:8080
@ 4 server 1795269839848305 1795269839871183 1000 established, data exchanged
ESTAB 0      0      192.0.2.2:8080 192.0.2.1:48046
@ 5 client 1795269840441531 1795269840456054 1600 both FINs on their way
FIN-WAIT-1 0      1      192.0.2.1:48046 192.0.2.2:8080 timer:(on,888ms,0)
@ 5 server 1795269840456054 1795269840471175 1600 both FINs on their way
FIN-WAIT-1 0      1      192.0.2.2:8080 192.0.2.1:48046 timer:(on,876ms,0)
@ 6 client 1795269840642079 1795269840659152 1800 both FINs delivered, both ACKs on their way
CLOSING 1      1      192.0.2.1:48046 192.0.2.2:8080 timer:(on,696ms,0)
@ 6 server 1795269840659152 1795269840687068 1800 both FINs delivered, both ACKs on their way
CLOSING 1      1      192.0.2.2:8080 192.0.2.1:48046 timer:(on,664ms,0)
@ 7 client 1795269840843282 1795269840863223 2000 both TIME_WAIT
TIME-WAIT 0      0      192.0.2.1:48046 192.0.2.2:8080 timer:(timewait,59sec,0)
@ 7 server 1795269840863223 1795269840887402 2000 both TIME_WAIT
TIME-WAIT 0      0      192.0.2.2:8080 192.0.2.1:48046 timer:(timewait,59sec,0)
@ 8 client 1795269841336871 1795269841348507 2500 settled
TIME-WAIT 0      0      192.0.2.1:48046 192.0.2.2:8080 timer:(timewait,59sec,0)
@ 8 server 1795269841348507 1795269841363198 2500 settled
TIME-WAIT 0      0      192.0.2.2:8080 192.0.2.1:48046 timer:(timewait,59sec,0)
