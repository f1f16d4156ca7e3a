# ss -tanoH snapshots of close-by-client-tap-near-server: "@ CHECKPOINT SIDE START_US END_US MS LABEL", then what ss printed
@ 1 client 1795269924077061 1795269924087217 100 SYN on its way to the tap
SYN-SENT 0      1      192.0.2.1:35500 192.0.2.2:8080 timer:(on,888ms,0)
@ 1 server 1795269924087217 1795269924127061 100 SYN on its way to the tap
LISTEN 0      512    192.0.2.2:8080 0.0.0.0:*
@ 2 client 1795269924275305 1795269924280121 300 SYN delivered, SYN+ACK on its way
SYN-SENT 0      1      192.0.2.1:35500 192.0.2.2:8080 timer:(on,692ms,0)
@ 2 server 1795269924280121 1795269924295304 300 SYN delivered, SYN+ACK on its way
LISTEN   0      512    192.0.2.2:8080   0.0.0.0:*    
SYN-RECV 0      0      192.0.2.2:8080 192.0.2.1:35500 timer:(on,888ms,0)
@ 3 client 1795269924475305 1795269924495193 500 SYN+ACK delivered, the handshake's ACK on its way
ESTAB 0      1000   192.0.2.1:35500 192.0.2.2:8080 timer:(on,900ms,0)
@ 3 server 1795269924495193 1795269924503193 500 SYN+ACK delivered, the handshake's ACK on its way
LISTEN   0      512    192.0.2.2:8080   0.0.0.0:*    
SYN-RECV 0      0      192.0.2.2:8080 192.0.2.1:35500 timer:(on,672ms,0)
@ 4 client 1795269924979381 1795269925003182 1000 established, data exchanged
ESTAB 0      0      192.0.2.1:35500 192.0.2.2:8080
@ 4 server 1795269925003182 1795269925027070 1000 established, data exchanged
ESTAB 0      0      192.0.2.2:8080 192.0.2.1:35500
@ 5 client 1795269925569071 1795269925583267 1600 client FIN on its way
FIN-WAIT-1 0      1      192.0.2.1:35500 192.0.2.2:8080 timer:(on,904ms,0)
@ 5 server 1795269925583267 1795269925587970 1600 client FIN on its way
ESTAB 0      0      192.0.2.2:8080 192.0.2.1:35500
@ 6 client 1795269925772291 1795269925784766 1800 FIN delivered, its ACK on its way
FIN-WAIT-1 0      1      192.0.2.1:35500 192.0.2.2:8080 timer:(on,700ms,0)
@ 6 server 1795269925784766 1795269925799196 1800 FIN delivered, its ACK on its way
CLOSE-WAIT 0      0      192.0.2.2:8080 192.0.2.1:35500
@ 7 client 1795269925971279 1795269925987225 2000 client FIN_WAIT_2, server CLOSE_WAIT
FIN-WAIT-2 0      0      192.0.2.1:35500 192.0.2.2:8080 timer:(timewait,59sec,0)
@ 7 server 1795269925987225 1795269925992007 2000 client FIN_WAIT_2, server CLOSE_WAIT
CLOSE-WAIT 0      0      192.0.2.2:8080 192.0.2.1:35500
@ 8 client 1795269926572812 1795269926581883 2600 server FIN on its way
FIN-WAIT-2 0      0      192.0.2.1:35500 192.0.2.2:8080 timer:(timewait,59sec,0)
@ 8 server 1795269926581883 1795269926607032 2600 server FIN on its way
LAST-ACK 0      1      192.0.2.2:8080 192.0.2.1:35500 timer:(on,888ms,0)
@ 9 client 1795269926769054 1795269926783196 2800 server FIN delivered, last ACK on its way
TIME-WAIT 0      0      192.0.2.1:35500 192.0.2.2:8080 timer:(timewait,59sec,0)
@ 9 server 1795269926783196 1795269926799336 2800 server FIN delivered, last ACK on its way
LAST-ACK 0      1      192.0.2.2:8080 192.0.2.1:35500 timer:(on,692ms,0)
@ 10 client 1795269926977516 1795269926987963 3000 client TIME_WAIT, server closed
TIME-WAIT 0      0      192.0.2.1:35500 192.0.2.2:8080 timer:(timewait,59sec,0)
@ 10 server 1795269926987963 1795269926995943 3000 client TIME_WAIT, server closed
@ 11 client 1795269927471778 1795269927479159 3500 settled
TIME-WAIT 0      0      192.0.2.1:35500 192.0.2.2:8080 timer:(timewait,59sec,0)
@ 11 server 1795269927479159 1795269927487070 3500 settled
