# ss -tanoH snapshots of close-by-client: "@ CHECKPOINT SIDE START_US END_US MS LABEL", then what ss printed
@ 1 client 1795269806068894 1795269806077647 100 SYN on its way to the tap
SYN-SENT 0      1      192.0.2.1:55426 192.0.2.2:8080 timer:(on,876ms,0)
@ 1 server 1795269806077647 1795269806081830 100 SYN on its way to the tap
LISTEN 0      512    192.0.2.2:8080 0.0.0.0:*
@ 2 client 1795269806253306 1795269806261858 300 SYN delivered, SYN+ACK on its way
SYN-SENT 0      1      192.0.2.1:55426 192.0.2.2:8080 timer:(on,692ms,0)
@ 2 server 1795269806261858 1795269806271256 300 SYN delivered, SYN+ACK on its way
LISTEN   0      512    192.0.2.2:8080   0.0.0.0:*    
SYN-RECV 0      0      192.0.2.2:8080 192.0.2.1:55426 timer:(on,888ms,0)
@ 3 client 1795269806463096 1795269806467669 500 SYN+ACK delivered, the handshake's ACK on its way
ESTAB 0      1000   192.0.2.1:55426 192.0.2.2:8080 timer:(on,900ms,0)
@ 3 server 1795269806467669 1795269806475158 500 SYN+ACK delivered, the handshake's ACK on its way
LISTEN   0      512    192.0.2.2:8080   0.0.0.0:*    
SYN-RECV 0      0      192.0.2.2:8080 192.0.2.1:55426 timer:(on,684ms,0)
@ 4 client 1795269806953270 1795269806964491 1000 established, data exchanged
ESTAB 0      0      192.0.2.1:55426 192.0.2.2:8080
@ 4 server 1795269806964491 1795269806975180 1000 established, data exchanged
ESTAB 0      0      192.0.2.2:8080 192.0.2.1:55426
@ 5 client 1795269807552732 1795269807557481 1600 client FIN on its way
FIN-WAIT-1 0      1      192.0.2.1:55426 192.0.2.2:8080 timer:(on,904ms,0)
@ 5 server 1795269807557481 1795269807571261 1600 client FIN on its way
ESTAB 0      0      192.0.2.2:8080 192.0.2.1:55426
@ 6 client 1795269807756463 1795269807763102 1800 FIN delivered, its ACK on its way
FIN-WAIT-1 0      1      192.0.2.1:55426 192.0.2.2:8080 timer:(on,700ms,0)
@ 6 server 1795269807763102 1795269807771119 1800 FIN delivered, its ACK on its way
CLOSE-WAIT 0      0      192.0.2.2:8080 192.0.2.1:55426
@ 7 client 1795269807952771 1795269807957358 2000 client FIN_WAIT_2, server CLOSE_WAIT
FIN-WAIT-2 0      0      192.0.2.1:55426 192.0.2.2:8080 timer:(timewait,59sec,0)
@ 7 server 1795269807957358 1795269807967203 2000 client FIN_WAIT_2, server CLOSE_WAIT
CLOSE-WAIT 0      0      192.0.2.2:8080 192.0.2.1:55426
@ 8 client 1795269808558128 1795269808567138 2600 server FIN on its way
FIN-WAIT-2 0      0      192.0.2.1:55426 192.0.2.2:8080 timer:(timewait,59sec,0)
@ 8 server 1795269808567138 1795269808573278 2600 server FIN on its way
LAST-ACK 0      1      192.0.2.2:8080 192.0.2.1:55426 timer:(on,884ms,0)
@ 9 client 1795269808753030 1795269808763150 2800 server FIN delivered, last ACK on its way
TIME-WAIT 0      0      192.0.2.1:55426 192.0.2.2:8080 timer:(timewait,59sec,0)
@ 9 server 1795269808763150 1795269808775265 2800 server FIN delivered, last ACK on its way
LAST-ACK 0      1      192.0.2.2:8080 192.0.2.1:55426 timer:(on,688ms,0)
@ 10 client 1795269808953109 1795269808964942 3000 client TIME_WAIT, server closed
TIME-WAIT 0      0      192.0.2.1:55426 192.0.2.2:8080 timer:(timewait,59sec,0)
@ 10 server 1795269808964942 1795269808979072 3000 client TIME_WAIT, server closed
@ 11 client 1795269809464218 1795269809473953 3500 settled
TIME-WAIT 0      0      192.0.2.1:55426 192.0.2.2:8080 timer:(timewait,59sec,0)
@ 11 server 1795269809473953 1795269809481652 3500 settled
