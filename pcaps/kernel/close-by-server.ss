# ss -tanoH snapshots of close-by-server: "@ CHECKPOINT SIDE START_US END_US MS LABEL", then what ss printed
@ 1 client 1795269810852798 1795269810867146 100 SYN on its way to the tap
SYN-SENT 0      1      192.0.2.1:50764 192.0.2.2:8080 timer:(on,880ms,0)
@ 1 server 1795269810867146 1795269810879234 100 SYN on its way to the tap
LISTEN 0      512    192.0.2.2:8080 0.0.0.0:*
@ 2 client 1795269811047224 1795269811057115 300 SYN delivered, SYN+ACK on its way
SYN-SENT 0      1      192.0.2.1:50764 192.0.2.2:8080 timer:(on,688ms,0)
@ 2 server 1795269811057115 1795269811073699 300 SYN delivered, SYN+ACK on its way
LISTEN   0      512    192.0.2.2:8080   0.0.0.0:*    
SYN-RECV 0      0      192.0.2.2:8080 192.0.2.1:50764 timer:(on,884ms,0)
@ 3 client 1795269811242807 1795269811263044 500 SYN+ACK delivered, the handshake's ACK on its way
ESTAB 0      1000   192.0.2.1:50764 192.0.2.2:8080 timer:(on,908ms,0)
@ 3 server 1795269811263044 1795269811283228 500 SYN+ACK delivered, the handshake's ACK on its way
LISTEN   0      512    192.0.2.2:8080   0.0.0.0:*    
SYN-RECV 0      0      192.0.2.2:8080 192.0.2.1:50764 timer:(on,676ms,0)
@ 4 client 1795269811755936 1795269811764561 1000 established, data exchanged
ESTAB 0      0      192.0.2.1:50764 192.0.2.2:8080
@ 4 server 1795269811764561 1795269811774014 1000 established, data exchanged
ESTAB 0      0      192.0.2.2:8080 192.0.2.1:50764
@ 5 client 1795269812371726 1795269812445372 1600 server FIN on its way
ESTAB 0      0      192.0.2.1:50764 192.0.2.2:8080
@ 5 server 1795269812445372 1795269812457778 1600 server FIN on its way
FIN-WAIT-1 0      1      192.0.2.2:8080 192.0.2.1:50764 timer:(on,800ms,0)
@ 6 client 1795269812546182 1795269812566666 1800 FIN delivered, its ACK on its way
CLOSE-WAIT 0      0      192.0.2.1:50764 192.0.2.2:8080
@ 6 server 1795269812566666 1795269812583223 1800 FIN delivered, its ACK on its way
FIN-WAIT-1 0      1      192.0.2.2:8080 192.0.2.1:50764 timer:(on,676ms,0)
@ 7 client 1795269812743035 1795269812765877 2000 server FIN_WAIT_2, client CLOSE_WAIT
CLOSE-WAIT 0      0      192.0.2.1:50764 192.0.2.2:8080
@ 7 server 1795269812765877 1795269812775267 2000 server FIN_WAIT_2, client CLOSE_WAIT
FIN-WAIT-2 0      0      192.0.2.2:8080 192.0.2.1:50764 timer:(timewait,59sec,0)
@ 8 client 1795269813345458 1795269813350781 2600 client FIN on its way
LAST-ACK 0      1      192.0.2.1:50764 192.0.2.2:8080 timer:(on,900ms,0)
@ 8 server 1795269813350781 1795269813362771 2600 client FIN on its way
FIN-WAIT-2 0      0      192.0.2.2:8080 192.0.2.1:50764 timer:(timewait,59sec,0)
@ 9 client 1795269813551308 1795269813559307 2800 client FIN delivered, last ACK on its way
LAST-ACK 0      1      192.0.2.1:50764 192.0.2.2:8080 timer:(on,692ms,0)
@ 9 server 1795269813559307 1795269813575351 2800 client FIN delivered, last ACK on its way
TIME-WAIT 0      0      192.0.2.2:8080 192.0.2.1:50764 timer:(timewait,59sec,0)
@ 10 client 1795269813744793 1795269813763147 3000 server TIME_WAIT, client closed
@ 10 server 1795269813763147 1795269813777174 3000 server TIME_WAIT, client closed
TIME-WAIT 0      0      192.0.2.2:8080 192.0.2.1:50764 timer:(timewait,59sec,0)
@ 11 client 1795269814255322 1795269814283070 3500 settled
@ 11 server 1795269814283070 1795269814303236 3500 settled
TIME-WAIT 0      0      192.0.2.2:8080 192.0.2.1:50764 timer:(timewait,59sec,0)
